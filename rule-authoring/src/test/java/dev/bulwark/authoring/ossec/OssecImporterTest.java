package dev.bulwark.authoring.ossec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The importer on a small ruleset written for these tests: tree shape, ordering, noalert, overwrite, refusals. */
class OssecImporterTest {

    private static final String DECODERS = """
            <decoder name="demo">
              <program_name>^demo$</program_name>
            </decoder>
            <decoder name="demo-login">
              <parent>demo</parent>
              <prematch>^login </prematch>
              <regex offset="after_prematch">^(\\S+) from (\\S+)</regex>
              <order>result, srcip</order>
            </decoder>
            """;

    private static final String RULES = """
            <var name="BAD">failed|denied</var>
            <group name="syslog,">
              <rule id="1" level="0" noalert="1">
                <category>syslog</category>
                <description>template</description>
              </rule>
            </group>
            <group name="demo,">
              <rule id="100" level="0" noalert="1">
                <decoded_as>demo</decoded_as>
                <description>demo messages</description>
              </rule>
              <rule id="101" level="3">
                <if_sid>100</if_sid>
                <field name="result">^ok$</field>
                <description>login ok</description>
              </rule>
              <rule id="102" level="5">
                <if_sid>100</if_sid>
                <match>$BAD</match>
                <group>authentication_failed,</group>
                <description>login failed</description>
              </rule>
              <rule id="103" level="10">
                <if_sid>102</if_sid>
                <srcip>10.0.0.0/8</srcip>
                <description>failed from inside</description>
              </rule>
              <rule id="104" level="12">
                <if_group>authentication_failed</if_group>
                <regex negate="yes">guest</regex>
                <match>from 10.</match>
                <match>9.</match>
                <description>failure of interest</description>
              </rule>
              <rule id="108" level="0">
                <if_sid>100</if_sid>
                <match>from 172.16.</match>
                <description>the scanner's failures: not an alert</description>
              </rule>
              <rule id="105" level="7" frequency="3" timeframe="60" ignore="30">
                <if_matched_sid>102</if_matched_sid>
                <same_source_ip />
                <description>repeated failures from one address</description>
              </rule>
              <rule id="107" level="4">
                <if_sid>100</if_sid>
                <check_diff />
                <description>not imported yet</description>
              </rule>
              <rule id="106" level="4">
                <if_sid>100</if_sid>
                <regex>((nested))</regex>
                <description>broken regex</description>
              </rule>
              <rule id="101" level="4" overwrite="yes">
                <if_sid>100</if_sid>
                <field name="result">^ok$</field>
                <description>login ok (overwritten)</description>
              </rule>
            </group>
            """;

    @TempDir
    static Path dir;
    static CompiledOssecRuleset rs;
    static OssecTester tester;

    @BeforeAll
    static void importAndCompile() throws Exception {
        Files.createDirectories(dir.resolve("decoders"));
        Files.createDirectories(dir.resolve("rules"));
        Files.writeString(dir.resolve("decoders/demo_decoders.xml"), DECODERS);
        Files.writeString(dir.resolve("rules/demo_rules.xml"), RULES);
        rs = CompiledOssecRuleset.read(List.of(dir));
        tester = new OssecTester(KnowledgeBaseLoader.load(rs.compile(), null), rs.decoders(), "stdin");
    }

    private static OssecTester.Outcome test(String message) {
        tester.reset();
        return tester.test("Nov 26 10:00:00 host demo[1]: " + message);
    }

    @Test
    void whatCannotBeImportedIsReportedNotDropped() {
        assertEquals(2, rs.imported().rulesLeftOut());
        assertTrue(rs.problems().stream().anyMatch(p -> p.contains("rule 107") && p.contains("<check_diff>")), rs.problems().toString());
        assertTrue(rs.problems().stream().anyMatch(p -> p.contains("rule 106") && p.contains("nests groups")), rs.problems().toString());
    }

    @Test
    void descendsToTheDeepestMatchingRule() {
        OssecTester.Outcome o = test("login failed from 10.1.2.3");
        assertEquals("demo", o.event().decoder());
        assertEquals("10.1.2.3", o.event().field("srcip"));
        assertEquals("103", o.ruleId());
        assertEquals(10, o.level());
        assertEquals("OSSEC-103", o.alert().ruleId());
    }

    @Test
    void higherLevelSiblingsAreTriedFirstAndGroupsHangRules() {
        // 104 (level 12) hangs under 102 by group and is tried before 103 (level 10); its two
        // <match> elements are one pattern, "from 10.9.", as OSSEC appends them
        assertEquals("104", test("login failed from 10.9.0.1").ruleId());
        assertEquals("103", test("login failed from 10.8.0.1").ruleId(), "not 'from 10.' alone");
        assertEquals("102", test("login denied from 192.168.1.1").ruleId());
    }

    @Test
    void casesAreJudgedAsWazuhsRunnerJudgesThem() throws Exception {
        String line = "Nov 26 10:00:01 host demo[1]: login failed from 192.168.3.3";
        Path cases = dir.resolve("cases.jsonl");
        Files.writeString(cases, String.join("\n",
                caseLine("exact", line, "102", "5", "demo", false),
                caseLine("wrong level", line, "102", "6", "demo", false),
                caseLine("negated, all equal", line, "102", "5", "demo", true),
                caseLine("negated, level differs", line, "102", "6", "demo", true),
                // wazuh-logtest -U exits with the number of empty fields on a match: never 0, so a
                // negated case with an empty field passes and a plain one fails
                caseLine("negated, empty decoder", line, "102", "5", "", true),
                caseLine("empty decoder", line, "102", "5", "", false)));
        List<Boolean> passed = Conformance.run(tester, cases).results().stream().map(Conformance.Result::passed).toList();
        assertEquals(List.of(true, false, false, true, true, false), passed);
    }

    private static String caseLine(String name, String event, String rule, String level, String decoder, boolean negate) {
        return String.format("{\"file\":\"demo.ini\",\"section\":\"s\",\"name\":\"%s\",\"events\":[\"%s\"],"
                + "\"rule\":\"%s\",\"level\":\"%s\",\"decoder\":\"%s\",\"negate\":%s}", name, event, rule, level, decoder, negate);
    }

    @Test
    void aLevelZeroSiblingIsTriedBeforeAlertingOnes() {
        // Wazuh's loader ranks level 0 as 99 among siblings: 108 silences what 102 (level 5) would raise
        OssecTester.Outcome o = test("login failed from 172.16.0.1");
        assertEquals("108", o.ruleId());
        assertEquals(0, o.level());
    }

    @Test
    void frequencyCountsEarlierAlertsOfTheSameSourceAndIgnoreHoldsItBack() {
        tester.reset();
        String fail = "Nov 26 10:00:0%d host demo[1]: login failed from %s";
        assertEquals("102", tester.test(String.format(fail, 1, "192.168.7.7")).ruleId());
        assertEquals("102", tester.test(String.format(fail, 2, "192.168.8.8")).ruleId(), "another address does not count");
        assertEquals("102", tester.test(String.format(fail, 3, "192.168.7.7")).ruleId());
        assertEquals("105", tester.test(String.format(fail, 4, "192.168.7.7")).ruleId(), "the third from one address");
        assertEquals("102", tester.test(String.format(fail, 5, "192.168.7.7")).ruleId(), "ignored for 30 s after firing");
    }

    @Test
    void noalertRulesHandBackWhenNoChildMatches() {
        assertNull(test("something else").ruleId(), "100 and 1 are noalert: no alert at all");
    }

    @Test
    void overwriteReplacesContentButKeepsThePlace() {
        OssecTester.Outcome o = test("login ok from 1.1.1.1");
        assertEquals("101", o.ruleId());
        assertEquals(4, o.level());
        assertEquals("login ok (overwritten)", o.alert().message());
    }

    @Test
    void overwriteKeepsWhatARuleCorrelatesOn(@TempDir Path other) throws Exception {
        Files.createDirectories(other.resolve("decoders"));
        Files.createDirectories(other.resolve("rules"));
        Files.writeString(other.resolve("decoders/demo_decoders.xml"), DECODERS);
        Files.writeString(other.resolve("rules/ow_rules.xml"), """
                <group name="demo,">
                  <rule id="100" level="0"><decoded_as>demo</decoded_as><description>demo</description></rule>
                  <rule id="110" level="7"><if_sid>100</if_sid><match>probe</match><group>probes</group><description>probe</description></rule>
                  <rule id="111" level="10" frequency="3" timeframe="120">
                    <if_matched_group>probes</if_matched_group><description>probes</description>
                  </rule>
                  <rule id="111" level="12" frequency="3" timeframe="120" overwrite="yes">
                    <if_matched_group>nothing_ever</if_matched_group><description>probes, overwritten</description>
                  </rule>
                </group>
                """);
        CompiledOssecRuleset ow = CompiledOssecRuleset.read(List.of(other));
        ImportedRule.Correlation c = ow.imported().rules().stream().filter(r -> r.id().equals("111")).findFirst().orElseThrow().correlation();
        assertEquals("probes", c.group(), "the if_matched_group of the rule overwritten stays");
        try (OssecTester t = new OssecTester(KnowledgeBaseLoader.load(ow.compile(), null), ow.decoders(), "stdin")) {
            t.test("Nov 26 10:00:00 host demo[1]: probe");
            t.test("Nov 26 10:00:00 host demo[1]: probe");
            OssecTester.Outcome third = t.test("Nov 26 10:00:00 host demo[1]: probe");
            assertEquals("111", third.ruleId());
            assertEquals(12, third.level(), "everything else is the overwrite's");
        }
    }

    @Test
    void ossecPcre2ElementsIgnoreCaseAfterAnyLeadingVerb() {
        assertEquals("(?i)invalid user", OssecImporter.caseless("invalid user"));
        assertEquals("(*UTF)(?i)\\N{U+202E}", OssecImporter.caseless("(*UTF)\\N{U+202E}"), "verbs must stay first");
        new dev.bulwark.engine.loginspection.ossec.PatternRef(OssecImporter.caseless("(*UTF)\\N{U+202E}"), "pcre2", null, false).validated();
    }

    @Test
    void generatedDrlPassedTheStandardPolicyAndUsesOnlyHelpers() {
        String drl = String.join("\n", rs.sources().stream().map(s -> s.text()).toList());
        assertTrue(drl.contains("OssecRules.test(\"osmatch\", \"failed|denied\", false, event.log)"), "variables are substituted");
        assertFalse(drl.replace("import java.util.List;", "").contains("import java."), "no JDK types beyond the policy's");
    }

    @Test
    void logtestPrintsOneJsonObjectPerLineAndAnEmptyLineForgetsTheHistory() throws Exception {
        String fail = "Nov 26 10:00:0%d host demo[1]: login failed from 192.168.5.5";
        Path input = dir.resolve("lines.txt");
        Files.write(input, List.of(fail.formatted(1), fail.formatted(2), fail.formatted(3), "", fail.formatted(4), "no header at all"));
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
        int code;
        try {
            code = dev.bulwark.authoring.cli.RulesCommand.commandLine().execute("logtest", "--json", "--ossec-ruleset", dir.toString(), input.toString());
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code);
        List<com.fasterxml.jackson.databind.JsonNode> out = new java.util.ArrayList<>();
        for (String l : buf.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
            out.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(l));
        }
        assertEquals(5, out.size(), "one object per non-empty line");
        assertEquals("demo", out.get(0).path("decoder").asText());
        assertEquals("102", out.get(0).path("rule").asText());
        assertEquals(5, out.get(0).path("level").asInt());
        assertEquals("105", out.get(2).path("rule").asText(), "the third failure from one address correlates");
        assertEquals("102", out.get(3).path("rule").asText(), "after the empty line, history starts afresh");
        assertTrue(out.get(4).path("rule").isNull());
        assertTrue(out.get(4).path("decoder").isNull());
    }

    @Test
    void besideTheBuiltInRulesBothJudgeEachLine() throws Exception {
        Path builtin = Files.createDirectories(dir.resolve("builtin/rules/loginspection"));
        Files.writeString(builtin.resolve("demo.drl"), """
                package rules.loginspection;
                import dev.bulwark.engine.loginspection.LogEvent;
                import dev.bulwark.engine.Finding;
                import dev.bulwark.engine.Severity;
                rule "demo seen" @id("LI-DEMO-0001") @title("demo seen") @module("loginspection") @severity("low")
                when $e: LogEvent( program == "demo" )
                then insert(Finding.raise(kcontext, Severity.LOW, "demo line")); end
                """);
        Path input = dir.resolve("beside.txt");
        Files.write(input, List.of("Nov 26 10:00:01 host demo[1]: login failed from 192.168.6.6"));
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
        int code;
        try {
            code = dev.bulwark.authoring.cli.RulesCommand.commandLine().execute("logtest", "--json", "--ossec-ruleset", dir.toString(),
                    "--rules", dir.resolve("builtin/rules").toString(), input.toString());
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code);
        var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(buf.toString(java.nio.charset.StandardCharsets.UTF_8).trim());
        assertEquals("102", n.path("rule").asText());
        List<String> ids = new java.util.ArrayList<>();
        n.path("findings").forEach(f -> ids.add(f.path("rule").asText()));
        assertTrue(ids.contains("LI-DEMO-0001") && ids.contains("OSSEC-102"), ids.toString());
    }

    @Test
    void traceShowsTheWalkAndTheFailingCondition() {
        OssecTracer tracer = new OssecTracer(rs.imported().rules());
        List<OssecTracer.Step> steps = tracer.trace(test("login failed from 192.168.1.1").event());
        assertTrue(steps.stream().anyMatch(s -> s.ruleId().equals("103") && s.failed() != null && s.failed().contains("srcip")), steps.toString());
        assertTrue(steps.stream().anyMatch(s -> s.ruleId().equals("102") && s.failed() == null));
    }
}
