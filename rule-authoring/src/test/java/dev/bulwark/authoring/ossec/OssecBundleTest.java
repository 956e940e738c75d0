package dev.bulwark.authoring.ossec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.loginspection.LogScanner;
import dev.bulwark.authoring.cli.RulesCommand;
import dev.bulwark.engine.Finding;
import dev.bulwark.engine.bundle.BundleReader;
import dev.bulwark.engine.bundle.BundleRejectedException;
import dev.bulwark.engine.bundle.BundleWriter;
import dev.bulwark.engine.bundle.RuntimeVersions;
import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.bundle.VerifiedBundle;
import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.loginspection.decoder.LogLineDecoder;
import dev.bulwark.engine.loginspection.ossec.OssecDecoderFile;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imported rules reach agents as any rule does: {@code bulwark-rules build --ossec-ruleset} signs
 * the imported DRL and decoders into one bundle; the agent verifies it, rebuilds the decoder tree
 * from it and its log scanner raises the imported alerts, correlation included. The ruleset is
 * written for this test.
 */
class OssecBundleTest {

    private static final String DECODERS = """
            <decoder name="gate">
              <program_name>^gated$</program_name>
            </decoder>
            <decoder name="gate-auth">
              <parent>gate</parent>
              <regex>^auth (\\w+) for (\\S+) from (\\S+)$</regex>
              <order>status, dstuser, srcip</order>
            </decoder>
            """;

    private static final String RULES = """
            <group name="gate,">
              <rule id="200" level="0">
                <decoded_as>gate</decoded_as>
                <description>gate messages</description>
              </rule>
              <rule id="201" level="2">
                <if_sid>200</if_sid>
                <field name="status">^ok$</field>
                <description>gate login</description>
              </rule>
              <rule id="202" level="5">
                <if_sid>200</if_sid>
                <field name="status">^failed$</field>
                <group>authentication_failed,</group>
                <description>gate login failed</description>
              </rule>
              <rule id="203" level="10" frequency="4" timeframe="120">
                <if_matched_sid>202</if_matched_sid>
                <same_source_ip />
                <description>gate brute force</description>
              </rule>
            </group>
            """;

    private static Path tree(Path dir) throws Exception {
        return tree(dir, RULES, Map.of());
    }

    /** A Wazuh-layout tree with the gate decoders, these rules, and these lists under {@code lists/}. */
    private static Path tree(Path dir, String rules, Map<String, String> lists) throws Exception {
        Path t = dir.resolve("ruleset");
        Files.createDirectories(t.resolve("decoders"));
        Files.createDirectories(t.resolve("rules"));
        Files.createDirectories(t.resolve("lists"));
        Files.writeString(t.resolve("decoders/gate_decoders.xml"), DECODERS);
        Files.writeString(t.resolve("rules/gate_rules.xml"), rules);
        for (Map.Entry<String, String> l : lists.entrySet()) {
            Files.writeString(t.resolve("lists").resolve(l.getKey()), l.getValue());
        }
        return t;
    }

    private static List<Finding> scan(LoadedKnowledgeBase kb, String log) throws Exception {
        List<Finding> found = new ArrayList<>();
        try (LogScanner s = new LogScanner(kb, new LogLineDecoder(), r -> found.addAll(r.findings()))) {
            s.scan(new ByteArrayInputStream(log.getBytes(StandardCharsets.UTF_8)), "/var/log/gate.log", null, null);
        }
        return found;
    }

    @Test
    void importedRulesRunOnTheAgentFromASignedBundle(@TempDir Path dir) throws Exception {
        Path ruleset = tree(dir);
        assertEquals(0, RulesCommand.commandLine().execute("keygen", "--out", dir.resolve("keys").toString(), "--name", "t"));
        Path bundle = dir.resolve("ossec.bkb");
        assertEquals(0, RulesCommand.commandLine().execute("build", "--ossec-ruleset", ruleset.toString(),
                "--key", dir.resolve("keys/t.key").toString(), "--out", bundle.toString(), "--bundle-version", "3"));

        VerifiedBundle v = new BundleReader(SigningKeys.readPublic(dir.resolve("keys/t.pub"))).verify(Files.readAllBytes(bundle), 0);
        assertTrue(v.data().containsKey(OssecDecoderFile.ENTRY), "the decoders travel in the bundle");
        LoadedKnowledgeBase kb = KnowledgeBaseLoader.load(v);
        assertEquals(2, kb.ossecDecoders().orElseThrow().size());

        StringBuilder log = new StringBuilder("Nov 26 10:00:00 web1 gated[7]: auth ok for alice from 192.0.2.1\n");
        for (int i = 1; i <= 8; i++) {
            log.append("Nov 26 10:00:0").append(i).append(" web1 gated[7]: auth failed for root from 203.0.113.9\n");
        }
        log.append("Nov 26 10:00:09 web1 gated[7]: auth failed for root from 198.51.100.4\n");
        List<Finding> found = scan(kb, log.toString());
        List<String> ids = found.stream().map(Finding::ruleId).toList();
        // 201 is level 2, below Wazuh's default alert level; the fourth failure from one address is
        // 203; as in Wazuh, the alerts it counted are used up, so it fires again only after three more
        assertEquals(List.of("OSSEC-202", "OSSEC-202", "OSSEC-202", "OSSEC-203", "OSSEC-202", "OSSEC-202", "OSSEC-202", "OSSEC-203",
                "OSSEC-202"), ids);
        Finding brute = found.get(3);
        assertEquals("10", brute.evidence().get("ossec.level"));
        assertEquals("203.0.113.9", brute.evidence().get("srcip"));
        assertEquals("root", brute.evidence().get("dstuser"));
        assertEquals("gate", brute.evidence().get("decoder"));
    }

    @Test
    void aSignedBundleWhoseDecodersDoNotCheckOutIsUnloadable(@TempDir Path dir) throws Exception {
        KeyPair keys = SigningKeys.generate();
        CompiledOssecRuleset rs = CompiledOssecRuleset.read(List.of(tree(dir)));
        byte[] kjar = rs.compile();
        Map<String, byte[]> bad = new HashMap<>();
        // signed by the right key, but the decoder's regex would not compile: refused at load, not run without it
        bad.put(OssecDecoderFile.ENTRY, """
                {"format":1,"decoders":[{"name":"x","parent":null,"programName":null,"prematch":null,
                 "regexes":[{"text":"((nested))","dialect":"osregex","offset":null,"negate":false}],"orders":[["a"]],
                 "plugin":null,"pluginOffset":null,"useOwnName":false,"type":null,"where":"x.xml:1"}]}""".getBytes(StandardCharsets.UTF_8));
        byte[] bytes = BundleWriter.write(5, Instant.now(), RuntimeVersions.drools(), kjar, List.of(), bad, keys);
        VerifiedBundle v = new BundleReader(keys.getPublic()).verify(bytes, 0);
        BundleRejectedException e = assertThrows(BundleRejectedException.class, () -> KnowledgeBaseLoader.load(v));
        assertEquals(BundleRejectedException.Reason.UNLOADABLE, e.reason());
        assertTrue(e.getMessage().contains(OssecDecoderFile.ENTRY), e.getMessage());

        // a format from a newer build (this agent reads 1 and 2)
        bad.put(OssecDecoderFile.ENTRY, "{\"format\":3,\"decoders\":[]}".getBytes(StandardCharsets.UTF_8));
        VerifiedBundle v2 = new BundleReader(keys.getPublic()).verify(
                BundleWriter.write(6, Instant.now(), RuntimeVersions.drools(), kjar, List.of(), bad, keys), 0);
        assertTrue(assertThrows(BundleRejectedException.class, () -> KnowledgeBaseLoader.load(v2)).getMessage().contains("format 3"));
    }

    @Test
    void hostileLinesThroughImportedRulesAreReportedAndTheRunFinishes(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("hostile");
        Files.createDirectories(t.resolve("decoders"));
        Files.createDirectories(t.resolve("rules"));
        Files.writeString(t.resolve("decoders/app.xml"), """
                <decoder name="app">
                  <program_name>^app$|^sshd$</program_name>
                </decoder>
                <decoder name="app-peer">
                  <parent>app</parent>
                  <regex>from (\\S+) port \\d+ ssh2$</regex>
                  <order>srcip</order>
                </decoder>
                """);
        Files.writeString(t.resolve("rules/app.xml"), """
                <group name="hostile,">
                  <rule id="300" level="3">
                    <decoded_as>app</decoded_as>
                    <description>every line</description>
                  </rule>
                  <rule id="301" level="7">
                    <if_sid>300</if_sid>
                    <pcre2>^(.*a){12}$</pcre2>
                    <description>catastrophic pattern</description>
                  </rule>
                </group>
                """);
        CompiledOssecRuleset rs = CompiledOssecRuleset.read(List.of(t));
        assertTrue(rs.problems().isEmpty(), rs.problems().toString());
        LoadedKnowledgeBase kb = KnowledgeBaseLoader.load(rs.compile(), null,
                Map.of(OssecDecoderFile.ENTRY, OssecDecoderFile.write(rs.decoders())));
        List<Finding> found = new ArrayList<>();
        LogScanner.Stats stats = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            try (LogScanner s = new LogScanner(kb, new LogLineDecoder(), r -> found.addAll(r.findings()))) {
                s.scan(new ByteArrayInputStream(dev.bulwark.agent.loginspection.HostileLines.log()), "/var/log/app.log", null, null);
                return s.stats();
            }
        });
        assertEquals(6, stats.lines(), "one event per line, the CR does not split one");
        assertEquals(6, found.size(), "every line raises its imported alert: " + found);
        // the catastrophic pattern (HostileLines.CATASTROPHIC) is abandoned on the 40 a's (no match: rule 300)
        assertEquals("OSSEC-300", found.get(1).ruleId());
        assertEquals("203.0.113.9", found.get(5).evidence().get("srcip"), "the decoder's anchored regex finds the real peer");
        // the CR line stays one event (counted above); which address its fields hold is the imported
        // decoder's business, as in Wazuh: Bulwark's own sshd decoder locates the peer structurally
        assertTrue(found.get(4).evidence().get("decoder").equals("app"), found.get(4).toString());
        assertEquals("203.0.113.1", found.get(2).evidence().get("srcip"), "a NUL in the user does not lose the line");
    }

    private static final String LIST_RULES = """
            <group name="gate,">
              <rule id="200" level="0">
                <decoded_as>gate</decoded_as>
                <description>gate messages</description>
              </rule>
              <rule id="210" level="8">
                <if_sid>200</if_sid>
                <list field="srcip" lookup="address_match_key">etc/lists/bad-ip</list>
                <description>gate contact from a listed address</description>
              </rule>
              <rule id="211" level="6">
                <if_sid>200</if_sid>
                <list field="dstuser" lookup="match_key_value" check_value="^service">etc/lists/accounts</list>
                <description>gate login by a service account</description>
              </rule>
              <rule id="212" level="7">
                <if_sid>200</if_sid>
                <list field="srcip">../../../etc/hostname</list>
                <description>names a file outside the ruleset</description>
              </rule>
              <rule id="213" level="7">
                <if_sid>200</if_sid>
                <list field="srcip">etc/lists/missing</list>
                <description>names a list that is not there</description>
              </rule>
              <rule id="214" level="7">
                <if_sid>200</if_sid>
                <list field="srcip" lookup="match_key_value">etc/lists/accounts</list>
                <description>a value lookup without check_value</description>
              </rule>
            </group>
            """;

    @Test
    void cdbListsTravelInTheBundleAndRulesLookFieldsUpInThem(@TempDir Path dir) throws Exception {
        Path t = tree(dir, LIST_RULES, Map.of("bad-ip", "203.0.113.:\n198.51.100.7:\n", "accounts", "svc-backup:service\nalice:staff\n"));

        CompiledOssecRuleset rs = CompiledOssecRuleset.read(List.of(t));
        List<String> leftOut = rs.problems().stream().filter(p -> p.contains("left out")).toList();
        assertEquals(3, leftOut.size(), leftOut.toString());
        assertTrue(leftOut.get(0).contains("rule 212") && leftOut.get(0).contains("relative path inside the ruleset"), leftOut.get(0));
        assertTrue(leftOut.get(1).contains("rule 213") && leftOut.get(1).contains("not found; looked at"), leftOut.get(1));
        assertTrue(leftOut.get(2).contains("rule 214") && leftOut.get(2).contains("needs a check_value"), leftOut.get(2));
        assertEquals(java.util.Set.of("etc/lists/bad-ip", "etc/lists/accounts"), rs.decoders().lists().names(), "only the lists rules use");

        assertEquals(0, RulesCommand.commandLine().execute("keygen", "--out", dir.resolve("keys").toString(), "--name", "t"));
        Path bundle = dir.resolve("lists.bkb");
        assertEquals(0, RulesCommand.commandLine().execute("build", "--ossec-ruleset", t.toString(),
                "--key", dir.resolve("keys/t.key").toString(), "--out", bundle.toString(), "--bundle-version", "4"));
        VerifiedBundle v = new BundleReader(SigningKeys.readPublic(dir.resolve("keys/t.pub"))).verify(Files.readAllBytes(bundle), 0);
        LoadedKnowledgeBase kb = KnowledgeBaseLoader.load(v);
        List<Finding> found = scan(kb, """
                Nov 26 10:00:00 web1 gated[7]: auth ok for alice from 203.0.113.50
                Nov 26 10:00:01 web1 gated[7]: auth ok for alice from 198.51.100.7
                Nov 26 10:00:02 web1 gated[7]: auth ok for alice from 198.51.100.70
                Nov 26 10:00:03 web1 gated[7]: auth ok for svc-backup from 192.0.2.1
                Nov 26 10:00:04 web1 gated[7]: auth ok for alice from 192.0.2.1
                """);
        assertEquals(List.of("OSSEC-210", "OSSEC-210", "OSSEC-211"), found.stream().map(Finding::ruleId).toList(),
                "a listed /24 prefix and a listed host match, a longer address sharing the host's text does not; a value test picks the service account");
        assertEquals("203.0.113.50", found.get(0).evidence().get("srcip"));
    }

    @Test
    void timeAndWeekdayRulesJudgeALineByItsOwnTime(@TempDir Path dir) throws Exception {
        Path t = tree(dir, """
                <group name="gate,">
                  <rule id="200" level="0">
                    <decoded_as>gate</decoded_as>
                    <description>gate messages</description>
                  </rule>
                  <rule id="220" level="9">
                    <if_sid>200</if_sid>
                    <time>6 pm - 8:30 am</time>
                    <description>gate login during non-business hours</description>
                  </rule>
                  <rule id="221" level="7">
                    <if_sid>200</if_sid>
                    <weekday>wednesday</weekday>
                    <description>gate login on a Wednesday</description>
                  </rule>
                  <rule id="222" level="7">
                    <if_sid>200</if_sid>
                    <weekday>someday</weekday>
                    <description>not a day</description>
                  </rule>
                </group>
                """, Map.of());
        CompiledOssecRuleset rs = CompiledOssecRuleset.read(List.of(t));
        List<String> leftOut = rs.problems().stream().filter(p -> p.contains("left out")).toList();
        assertEquals(1, leftOut.size(), leftOut.toString());
        assertTrue(leftOut.get(0).contains("rule 222") && leftOut.get(0).contains("'someday'"), leftOut.get(0));

        // the tester's clock is a Wednesday noon: inside business hours
        LoadedKnowledgeBase kb = KnowledgeBaseLoader.load(rs.compile(), null);
        try (OssecTester tester = new OssecTester(kb, rs.decoders(), "test")) {
            assertEquals("221", tester.test("Nov 26 22:00:00 web1 gated[7]: auth ok for alice from 192.0.2.1").ruleId());
        }

        // the agent judges each line by its own time (Nov 26, 2026 is a Thursday)
        Map<String, byte[]> data = Map.of(OssecDecoderFile.ENTRY, OssecDecoderFile.write(rs.decoders()));
        KeyPair keys = SigningKeys.generate();
        byte[] bytes = BundleWriter.write(7, Instant.now(), RuntimeVersions.drools(), rs.compile(), List.of(), data, keys);
        LoadedKnowledgeBase agentKb = KnowledgeBaseLoader.load(new BundleReader(keys.getPublic()).verify(bytes, 0));
        List<Finding> found = scan(agentKb, """
                Nov 26 10:00:00 web1 gated[7]: auth ok for alice from 192.0.2.1
                Nov 26 22:00:00 web1 gated[7]: auth ok for alice from 192.0.2.1
                Nov 26 07:59:00 web1 gated[7]: auth ok for alice from 192.0.2.1
                """);
        assertEquals(List.of("OSSEC-220", "OSSEC-220"), found.stream().map(Finding::ruleId).toList());
    }
}
