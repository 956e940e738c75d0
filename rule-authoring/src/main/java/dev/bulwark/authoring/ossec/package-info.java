/**
 * Importing OSSEC and Wazuh rulesets as their authors wrote them: decoder and rule XML files, read
 * from a path at run time (they are GPL: never copied into Bulwark), into typed definitions with
 * file and line ({@link dev.bulwark.authoring.ossec.OssecRuleset}); then into decoder specs and DRL
 * the engine runs ({@link dev.bulwark.authoring.ossec.OssecImporter}), with what cannot be
 * expressed yet reported rule by rule. {@link dev.bulwark.authoring.ossec.OssecTester},
 * {@link dev.bulwark.authoring.ossec.OssecTracer} and {@link dev.bulwark.authoring.ossec.Conformance}
 * serve {@code logtest --ossec-ruleset} and the conformance test.
 */
package dev.bulwark.authoring.ossec;
