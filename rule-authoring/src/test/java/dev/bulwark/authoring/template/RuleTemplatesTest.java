package dev.bulwark.authoring.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Action;
import dev.bulwark.engine.Finding;
import dev.bulwark.engine.Severity;
import dev.bulwark.engine.Verdict;
import dev.bulwark.engine.antimalware.ScannedFile;
import dev.bulwark.engine.appcontrol.ExecRequest;
import dev.bulwark.engine.RuleMetadata;
import dev.bulwark.engine.build.CompiledKnowledgeBase;
import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.integrity.ChangeKind;
import dev.bulwark.engine.integrity.FileChange;
import dev.bulwark.engine.loginspection.LogEvent;
import dev.bulwark.engine.policy.DrlSource;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Templates become DRL that compiles and means what the template says; hostile templates are refused or stay inert. */
class RuleTemplatesTest {

    static String example(String kind) throws Exception {
        try (InputStream in = RuleTemplates.class.getResourceAsStream("/templates/" + kind + ".example.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static LoadedKnowledgeBase compile(DrlSource... sources) throws Exception {
        CompiledKnowledgeBase c = new KnowledgeBaseCompiler().compile(List.of(sources));
        return KnowledgeBaseLoader.load(c.kjar(), null);
    }

    static LogEvent event(long t, String decoder, String action, String srcIp, String user) {
        return new LogEvent(t, "vpn1", "openvpn", 42, decoder, action, null, srcIp, null, null, null, user, null, null, Map.of(), "raw");
    }

    static List<String> ruleIds(List<Finding> findings) {
        return findings.stream().map(Finding::ruleId).toList();
    }

    @Test
    void theLogExampleCompilesAndMatchesOnlyWhatItSays() throws Exception {
        LoadedKnowledgeBase kb = compile(RuleTemplates.generate(example("log"), "log.example.yaml"));
        List<Finding> hit = kb.evaluate(List.of(event(1_700_000_000_000L, "openvpn", "tls-error", "203.0.113.9", "alice"))).findings();
        assertEquals(List.of("ORG-VPN-0001"), ruleIds(hit));
        assertEquals("OpenVPN authentication failed for alice from 203.0.113.9", hit.getFirst().message());
        assertEquals(Map.of("srcIp", "203.0.113.9", "user", "alice"), hit.getFirst().evidence());
        assertTrue(kb.evaluate(List.of(event(1_700_000_000_000L, "openvpn", "connected", "203.0.113.9", "alice"))).findings().isEmpty());
        assertTrue(kb.evaluate(List.of(event(1_700_000_000_000L, "openvpn", "tls-error", null, "alice"))).findings().isEmpty());
        assertTrue(kb.evaluate(List.of(event(1_700_000_000_000L, "sshd", "tls-error", "203.0.113.9", "alice"))).findings().isEmpty());
    }

    @Test
    void frequencyRaisesOncePerWindowAndKey() throws Exception {
        String t = """
                template: log
                id: ORG-VPN-0002
                title: OpenVPN brute force
                severity: high
                when: {decoder: openvpn, action: auth-failure}
                frequency: {count: 3, seconds: 60, same: srcIp, suppressSeconds: 600}
                message: "OpenVPN brute force from {srcIp}"
                """;
        LoadedKnowledgeBase kb = compile(RuleTemplates.generate(t, "t.yaml"));
        long t0 = 1_700_000_000_000L;
        List<Object> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            events.add(event(t0 + i * 1000, "openvpn", "auth-failure", "198.51.100.7", "u" + i));
        }
        events.add(event(t0, "openvpn", "auth-failure", "198.51.100.8", "x"));
        events.add(event(t0 + 120_000, "openvpn", "auth-failure", "198.51.100.8", "x")); // outside the window
        List<Finding> f = kb.evaluate(events).findings();
        assertEquals(List.of("ORG-VPN-0002"), ruleIds(f), f.toString());
        assertEquals("198.51.100.7", f.getFirst().evidence().get("srcIp"));
        assertTrue(f.getFirst().message().startsWith("OpenVPN brute force from 198.51.100.7 (3 within 60 s)"), f.getFirst().message());
    }

    @Test
    void theIntegrityExampleMonitorsWhatItRatesAndSkipsExclusions() throws Exception {
        DrlSource drl = RuleTemplates.generate(example("integrity"), "integrity.example.yaml");
        LoadedKnowledgeBase kb = compile(drl);
        assertEquals(List.of("/var/www/html"), kb.monitorSpecs().getFirst().includes());
        assertEquals(List.of("/var/www/html/cache/**"), kb.monitorSpecs().getFirst().excludes());
        assertEquals(List.of("ORG-WEB-0001"), ruleIds(kb.evaluate(List.of(change("/var/www/html/index.php", false))).findings()));
        assertEquals(List.of("ORG-WEB-0001"), ruleIds(kb.evaluate(List.of(change("/var/www/html", false))).findings()));
        assertTrue(kb.evaluate(List.of(change("/var/www/html/cache/x", false))).findings().isEmpty());
        assertTrue(kb.evaluate(List.of(change("/var/www/html2/index.php", false))).findings().isEmpty());
        assertTrue(kb.evaluate(List.of(change("/var/www/html/index.php", true))).findings().isEmpty(), "expected changes are not raised");
    }

    static FileChange change(String path, boolean expected) {
        return new FileChange(path, ChangeKind.MODIFIED, null, null, List.of("sha256"), expected, 1_700_000_000_000L);
    }

    static TemplateException refused(String yaml) {
        return assertThrows(TemplateException.class, () -> RuleTemplates.generate(yaml, "bad.yaml"), yaml);
    }

    static final String LOG = "template: log\nid: ORG-T-0001\ntitle: %s\nseverity: low\nwhen: {decoder: %s}\n";

    @Test
    void schemaProblemsNameTheFieldLineAndColumn() {
        TemplateException e = refused("""
                template: log
                id: org-lower-1
                title: ok
                severity: severe
                when: {decoder: x, raw: y}
                """);
        List<String> pointers = e.problems().stream().map(TemplateProblem::pointer).toList();
        assertTrue(pointers.containsAll(List.of("/id", "/severity", "/when/raw")), e.problems().toString());
        TemplateProblem severity = e.problems().stream().filter(p -> p.pointer().equals("/severity")).findFirst().orElseThrow();
        assertEquals(4, severity.line());
        assertEquals("bad.yaml", severity.origin());
        assertTrue(refused("template: log\nid: [unclosed\n").problems().getFirst().message().startsWith("not valid YAML or JSON"));
        assertTrue(refused("template: firewall\n").problems().getFirst().message().contains("one of log, integrity"));
        assertTrue(refused("- just\n- a list\n").problems().getFirst().message().contains("mapping"));
        TemplateException missing = refused("template: integrity\nid: ORG-T-0001\ntitle: t\nseverity: low\n");
        assertTrue(missing.problems().stream().anyMatch(p -> p.message().contains("monitor")), missing.problems().toString());
    }

    /** A YAML double-quoted scalar holding exactly {@code s}. */
    static String yaml(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }

    @Test
    void injectionIntoAnnotationsIsRefused() {
        for (String title : List.of("x\") @module(\"firewall", "a\\b", "line one\nline two", "tab\there", "bidi \u202e override")) {
            TemplateException e = refused(LOG.formatted(yaml(title), "x"));
            assertTrue(e.problems().stream().anyMatch(p -> p.pointer().equals("/title")), title + ": " + e.problems());
        }
        refused(LOG.formatted("ok", "x").replace("when: {decoder: x}", "when: {decoder: x, extra: {" + yaml("a\"]") + ": y}}"));
        refused(LOG.formatted("ok", "x") + "message: \"from {raw}\"\n");
        refused(LOG.formatted("ok", yaml("trojan \u2066source")));
        refused("template: integrity\nid: ORG-T-0001\ntitle: t\nseverity: low\nmonitor: [\"/etc,/root\"]\n");
        refused("template: integrity\nid: ORG-T-0001\ntitle: t\nseverity: low\nmonitor: [\"relative/path\"]\n");
        refused("template: integrity\nid: ORG-T-0001\ntitle: t\nseverity: low\nmonitor: [/etc]\nattributes: [" + yaml("SHA256\") @x(\"") + "]\n");
    }

    @Test
    void injectionIntoValuesStaysAString() throws Exception {
        String exact = "x\") || true || decoder == (\"y";
        DrlSource drl = RuleTemplates.generate(LOG.formatted("Inert", yaml(exact)) + "message: " + yaml("done\"); System.exit(1); //") + "\n", "t.yaml");
        LoadedKnowledgeBase kb = compile(drl);
        assertTrue(kb.evaluate(List.of(event(1L, "anything", "a", "1.2.3.4", "u"))).findings().isEmpty(), "the payload is not a condition");
        List<Finding> f = kb.evaluate(List.of(event(1L, exact, "a", "1.2.3.4", "u"))).findings();
        assertEquals(List.of("ORG-T-0001"), ruleIds(f));
        assertEquals("done\"); System.exit(1); //", f.getFirst().message());

        LoadedKnowledgeBase u = compile(RuleTemplates.generate(LOG.formatted(yaml("Zürich \"quoted\" café".replace("\"", "'")), yaml("café 東京")), "t.yaml"));
        assertEquals(List.of("ORG-T-0001"), ruleIds(u.evaluate(List.of(event(1L, "café 東京", "a", null, null))).findings()));
        RuleMetadata md = u.rules().get("ORG-T-0001");
        assertEquals("Zürich 'quoted' café", md.title(), "non-ASCII text comes back as written");
    }
    static ExecRequest exec(String path, String sha256, String pkg) {
        return new ExecRequest(path, sha256, 10, 1000, "alice", 42, "/bin/bash", path, "unknown", pkg, 1_700_000_000_000L);
    }

    @Test
    void appcontrolEntriesAllowOrBlockByHashPathOrPackage() throws Exception {
        String sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        LoadedKnowledgeBase allow = compile(RuleTemplates.generate(example("appcontrol"), "a.yaml"));
        assertEquals(List.of(Action.ALLOW), allow.evaluate(List.of(exec("/usr/local/bin/x", sha, null))).verdicts().stream().map(Verdict::action).toList());
        assertEquals(List.of(Action.ALLOW), allow.evaluate(List.of(exec("/opt/backup/bin/agent", "ab".repeat(32), null))).verdicts().stream().map(Verdict::action).toList());
        assertTrue(allow.evaluate(List.of(exec("/opt/backup/lib/x", "ab".repeat(32), null))).verdicts().isEmpty());
        assertTrue(allow.rules().get("ORG-APP-0001").tags().contains("shared"), "the ruleset is a tag");

        LoadedKnowledgeBase block = compile(RuleTemplates.generate("""
                template: appcontrol
                id: ORG-APP-0002
                title: Block netcat
                decision: block
                severity: critical
                match: {package: [netcat-openbsd, netcat-traditional]}
                """, "b.yaml"));
        var r = block.evaluate(List.of(exec("/bin/nc.openbsd", "cd".repeat(32), "netcat-openbsd")));
        assertEquals(List.of(Action.BLOCK), r.verdicts().stream().map(Verdict::action).toList());
        assertEquals(Severity.CRITICAL, r.findings().getFirst().severity());
        assertTrue(block.evaluate(List.of(exec("/bin/ls", "cd".repeat(32), "coreutils"))).verdicts().isEmpty());
        refused("template: appcontrol\nid: ORG-A-0001\ntitle: t\ndecision: allow\nmatch: {sha256: [\"XYZ\"]}\n");
        refused("template: appcontrol\nid: ORG-A-0001\ntitle: t\ndecision: maybe\nmatch: {path: [/bin/x]}\n");
        refused("template: appcontrol\nid: ORG-A-0001\ntitle: t\ndecision: allow\nmatch: {}\n");
    }

    static ScannedFile scanned(String path, String owner, String process) {
        return new ScannedFile(path, null, 100, "ef".repeat(32), owner, 1000, "data", "on-access", process);
    }

    @Test
    void exclusionsAllowByPathExtensionOwnerOrProcess() throws Exception {
        LoadedKnowledgeBase kb = compile(RuleTemplates.generate("""
                template: exclusion
                id: ORG-EXC-0002
                title: Database files
                exclude:
                  paths: ["/var/lib/postgresql/**", /srv/dump.sql]
                  extensions: [.wal]
                  owners: [postgres]
                  processes: [/usr/lib/postgresql/*/bin/postgres]
                """, "e.yaml"));
        for (ScannedFile f : List.of(scanned("/var/lib/postgresql/16/main/base/1", "root", null), scanned("/srv/dump.sql", "root", null),
                scanned("/tmp/x.wal", "root", null), scanned("/tmp/y", "postgres", null), scanned("/tmp/z", "root", "/usr/lib/postgresql/16/bin/postgres"))) {
            assertEquals(List.of(Action.ALLOW), kb.evaluate(List.of(f)).verdicts().stream().map(Verdict::action).toList(), f.toString());
        }
        assertTrue(kb.evaluate(List.of(scanned("/tmp/evil.sh", "root", null))).verdicts().isEmpty(), "a file no entry names is not excluded");
        assertTrue(kb.evaluate(List.of(scanned("/srv/dump.sql.gz", "root", "/usr/bin/gzip"))).verdicts().isEmpty());
        refused("template: exclusion\nid: ORG-E-0001\ntitle: t\nexclude: {extensions: [\".wal\\\" || true\"]}\n");
        refused("template: exclusion\nid: ORG-E-0001\ntitle: t\nexclude: {owners: [\"Root; rm\"]}\n");
        refused("template: exclusion\nid: ORG-E-0001\ntitle: t\nexclude: {}\n");
    }
}
