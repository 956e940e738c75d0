/**
 * The run-time half of OSSEC/Wazuh compatibility: their regex dialects ({@link
 * dev.bulwark.engine.loginspection.ossec.OsRegex}, OS_Match, PCRE2), pre-decoding and the decoder
 * tree ({@link dev.bulwark.engine.loginspection.ossec.OssecDecoders}), and the facts and helper
 * that rules imported from their XML use to walk the rule tree in Drools ({@link
 * dev.bulwark.engine.loginspection.ossec.OssecMatch}, {@link
 * dev.bulwark.engine.loginspection.ossec.OssecRules}). The importer that reads the XML and writes
 * the DRL lives in rule-authoring. Written from the documented behaviour; no OSSEC or Wazuh code.
 */
package dev.bulwark.engine.loginspection.ossec;
