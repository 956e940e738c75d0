/**
 * The run-time half of OSSEC/Wazuh compatibility: their regex dialects ({@link
 * dev.bulwark.engine.loginspection.ossec.OsRegex}, OS_Match, PCRE2), pre-decoding and the decoder
 * tree ({@link dev.bulwark.engine.loginspection.ossec.OssecDecoders}, shipped in bundles by {@link
 * dev.bulwark.engine.loginspection.ossec.OssecDecoderFile} with the CDB lists of {@link
 * dev.bulwark.engine.loginspection.ossec.OssecLists}), and the facts and helper that rules
 * imported from their XML use to walk the rule tree in Drools ({@link
 * dev.bulwark.engine.loginspection.ossec.OssecMatch}, {@link
 * dev.bulwark.engine.loginspection.ossec.OssecRules}) and to correlate over a stream's earlier
 * alerts ({@link dev.bulwark.engine.loginspection.ossec.OssecMemory}). The importer that reads the
 * XML and writes the DRL lives in rule-authoring. Behaviour learned from their documentation, their
 * test cases and their public source; no OSSEC or Wazuh code is copied.
 */
package dev.bulwark.engine.loginspection.ossec;
