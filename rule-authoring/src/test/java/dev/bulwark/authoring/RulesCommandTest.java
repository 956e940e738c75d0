package dev.bulwark.authoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.authoring.cli.RulesCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bulwark-rules commands end to end, in process: exit codes and JSON are what scripts rely on. */
class RulesCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RULE = """
            package rules.loginspection;
            import dev.bulwark.engine.loginspection.LogEvent;
            import dev.bulwark.engine.Finding;
            import dev.bulwark.engine.Severity;
            rule "r" @id("LI-CLI-0001") @title("CLI test rule") @module("loginspection") @severity("low") @cve("CVE-2024-0001")
            when $e: LogEvent( decoder == "x" ) then insert(Finding.raise(kcontext, Severity.LOW, "x")); end
            """;

    private record Run(int exit, String out) {
    }

    private static Run run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = RulesCommand.commandLine().execute(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void keygenBuildVerifyInspect(@TempDir Path dir) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules/loginspection"));
        Files.writeString(rules.resolve("r.drl"), RULE);
        assertEquals(0, run("keygen", "--out", dir.resolve("keys").toString(), "--name", "test").exit());
        Path bundle = dir.resolve("out/kb.bkb");
        Run build = run("build", "--rules", dir.resolve("rules").toString(), "--key", dir.resolve("keys/test.key").toString(),
                "--out", bundle.toString(), "--bundle-version", "7", "--json");
        assertEquals(0, build.exit(), build.out());
        JsonNode b = JSON.readTree(build.out());
        assertEquals(1, b.path("rules").asInt());
        assertEquals(7, b.path("bundleVersion").asLong());

        Run verify = run("verify", "--json", "--public-key", dir.resolve("keys/test.pub").toString(), bundle.toString());
        assertEquals(0, verify.exit(), verify.out());
        Run rollback = run("verify", "--json", "--running-version", "7", "--public-key", dir.resolve("keys/test.pub").toString(), bundle.toString());
        assertEquals(3, rollback.exit());
        assertEquals("ROLLBACK", JSON.readTree(rollback.out()).path("reason").asText());

        Run inspect = run("inspect", "--json", bundle.toString());
        assertEquals(0, inspect.exit());
        JsonNode m = JSON.readTree(inspect.out());
        assertEquals("LI-CLI-0001", m.path("rules").get(0).path("id").asText());
        assertEquals("CVE-2024-0001", m.path("rules").get(0).path("cves").get(0).asText());
    }

    @Test
    void hostileRuleIsRefusedWithLocatedProblemsAndNoBundle(@TempDir Path dir) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("evil.drl"), RULE.replace("insert(", "Runtime.getRuntime().exec(\"id\"); insert("));
        run("keygen", "--out", dir.resolve("keys").toString(), "--name", "k");
        Run build = run("build", "--json", "--rules", rules.toString(), "--key", dir.resolve("keys/k.key").toString(), "--out", dir.resolve("x.bkb").toString());
        assertEquals(2, build.exit(), build.out());
        JsonNode problems = JSON.readTree(build.out());
        assertTrue(problems.size() > 0);
        assertEquals("evil.drl", problems.get(0).path("path").asText());
        assertEquals(6, problems.get(0).path("line").asInt(), build.out());
        assertFalse(Files.exists(dir.resolve("x.bkb")));
        assertEquals(2, run("lint", rules.toString()).exit());
    }

    @Test
    void usageErrorsExit64() {
        assertEquals(64, run("build", "--no-such-option").exit());
    }
    @Test
    void searchKeepsAnIndexCurrentAndReportsRefusedQueries(@TempDir Path dir) throws Exception {
        String kb = Path.of("../knowledge-base/src/main/resources/rules").toString();
        Path own = Files.createDirectories(dir.resolve("own/loginspection"));
        Files.writeString(own.resolve("r.drl"), RULE);
        String index = dir.resolve("index").toString();

        Run found = run("search", "--json", "--builtin", kb, "--rules", dir.resolve("own").toString(), "--index", index, "--facets", "CVE-2024-6387");
        assertEquals(0, found.exit());
        JsonNode r = JSON.readTree(found.out());
        assertEquals(1, r.get("total").asInt());
        assertEquals("RC-CVE-2024-6387", r.at("/hits/0/rule/id").asText());
        assertTrue(r.at("/hits/0/highlights/title/0").asText().contains("<mark>CVE</mark>-<mark>2024</mark>-<mark>6387</mark>"), r.toString());
        assertEquals(1, r.at("/facets/cveyear/0/count").asInt());

        // the index is kept: without sources the next search reads it as it is
        Run own1 = run("search", "--json", "--index", index, "source:organisation");
        JsonNode o = JSON.readTree(own1.out());
        assertEquals(1, o.get("total").asInt());
        assertEquals(1, o.at("/hits/0/rule/version").asInt());
        Files.writeString(own.resolve("r.drl"), RULE.replace("CLI test rule", "CLI test rule, revised"));
        assertEquals(0, run("search", "--rules", dir.resolve("own").toString(), "--index", index, "revised").exit());
        o = JSON.readTree(run("search", "--json", "--index", index, "revised").out());
        assertEquals(2, o.at("/hits/0/rule/version").asInt(), "a changed rule is a new version");

        Run bad = run("search", "--json", "--index", index, "ssh AND (brute");
        assertEquals(64, bad.exit());
        JsonNode e = JSON.readTree(bad.out());
        assertEquals(14, e.get("column").asInt());
        assertTrue(e.get("error").asText().contains("cannot parse"));
        assertEquals(64, run("search", "--index", index, "--facet", "nonsense", "ssh").exit());

        Run similar = run("search", "--json", "--builtin", kb, "--similar", "LI-SSH-0003");
        assertEquals(0, similar.exit());
        assertTrue(JSON.readTree(similar.out()).get("total").asInt() > 0, similar.out());
        assertEquals(64, run("search", "--builtin", kb, "--similar", "NO-SUCH-0001").exit());
    }
    @Test
    void newStartsFromATemplateAndWritesLintCleanDrl(@TempDir Path dir) throws Exception {
        Run start = run("new", "--template", "log");
        assertEquals(0, start.exit());
        Path t = dir.resolve("vpn.yaml");
        Files.writeString(t, start.out());
        assertTrue(run("new", "--template", "integrity", "--schema").out().contains("\"$schema\""));
        Path rules = dir.resolve("rules");
        Run gen = run("new", "--json", t.toString(), "--out", rules.toString());
        assertEquals(0, gen.exit(), gen.out());
        assertTrue(Files.isRegularFile(rules.resolve("log/org-vpn-0001.drl")));
        assertEquals(0, run("lint", rules.toString()).exit());

        Files.writeString(t, start.out().replace("severity: medium", "severity: urgent"));
        Files.delete(rules.resolve("log/org-vpn-0001.drl"));
        Run bad = run("new", "--json", t.toString(), "--out", rules.toString());
        assertEquals(2, bad.exit());
        JsonNode problem = JSON.readTree(bad.out()).get(0);
        assertEquals("/severity", problem.get("pointer").asText());
        assertEquals(5, problem.get("line").asInt());
        assertFalse(Files.exists(rules.resolve("log/org-vpn-0001.drl")), "nothing is written when a template fails");
        assertEquals(64, run("new", "--template", "firewall").exit());
    }
    @Test
    void whatifReportsAsJsonAndCanFailOnChange(@TempDir Path dir) throws Exception {
        String kb = Path.of("../knowledge-base/src/main/resources/rules").toString();
        Path events = dir.resolve("e.jsonl");
        Files.writeString(events, "{\"LogEvent\": {\"timestamp\": 1700000000000, \"decoder\": \"sshd\", \"action\": \"failed-password\", \"srcIp\": \"203.0.113.5\", \"user\": \"root\"}}\nbroken\n");
        Run same = run("whatif", "--json", "--fail-on-change", "--current", kb, "--candidate", kb, "--events", events.toString());
        assertEquals(0, same.exit(), same.out());
        JsonNode r = JSON.readTree(same.out());
        assertEquals(1, r.get("facts").asInt());
        assertEquals(1, r.get("unchanged").asInt());
        assertEquals(2, r.at("/skipped/0/line").asInt());

        Path own = Files.createDirectories(dir.resolve("own/loginspection"));
        Files.writeString(own.resolve("r.drl"), RULE.replace("decoder == \"x\"", "decoder == \"sshd\""));
        Run differs = run("whatif", "--json", "--fail-on-change", "--current", kb, "--candidate", dir.resolve("own").toString(), "--events", events.toString());
        assertEquals(1, differs.exit());
        JsonNode d = JSON.readTree(differs.out());
        assertEquals(1, d.get("appeared").asInt());
        assertEquals(1, d.get("disappeared").asInt());
        java.util.Map<String, String> kinds = new java.util.TreeMap<>();
        d.get("changes").forEach(c -> kinds.put(c.get("rule").asText(), c.get("kind").asText()));
        assertEquals(java.util.Map.of("LI-CLI-0001", "appeared", "LI-SSH-0001", "disappeared"), kinds);
        assertEquals(64, run("whatif", "--candidate", kb).exit());
    }
    @Test
    void exportAndImportRoundTripCatalogAndRuleFiles(@TempDir Path dir) throws Exception {
        String kb = Path.of("../knowledge-base/src/main/resources/rules").toString();
        Path csv = dir.resolve("catalog.csv");
        assertEquals(0, run("export", "--builtin", kb, "--csv", csv.toString()).exit());
        String index = dir.resolve("index").toString();
        assertEquals(0, run("import", "--csv", csv.toString(), "--index", index).exit());
        Path again = dir.resolve("again.csv");
        assertEquals(0, run("export", "--index", index, "--csv", again.toString()).exit());
        assertEquals(Files.readString(csv), Files.readString(again));

        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, Files.readString(csv).replaceFirst("\"info\"", "\"urgent\""));
        assertEquals(2, run("import", "--csv", bad.toString(), "--index", index).exit());
        assertEquals(0, run("export", "--index", index, "--csv", again.toString()).exit());
        assertEquals(Files.readString(csv), Files.readString(again), "a refused import leaves the catalog as it was");

        Path zip = dir.resolve("rules.zip");
        assertEquals(0, run("export", "--builtin", kb, "--zip", zip.toString()).exit());
        assertEquals(0, run("import", "--zip", zip.toString(), "--out", dir.resolve("unpacked").toString()).exit());
        assertTrue(Files.isRegularFile(dir.resolve("unpacked/built-in/loginspection/sshd.drl")));
        assertEquals(3, run("import", "--zip", zip.toString(), "--out", dir.resolve("unpacked").toString()).exit());
        assertEquals(64, run("import", "--zip", zip.toString()).exit());
    }
    @Test
    void testAndLintRunTheCasesAndNameTheFailingOnesLine(@TempDir Path dir) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules/loginspection"));
        Files.writeString(rules.resolve("r.drl"), RULE);
        String root = dir.resolve("rules").toString();
        Run none = run("lint", "--json", root);
        assertEquals(0, none.exit(), "a rule without cases is a warning");
        assertEquals("MISSING_CASES", JSON.readTree(none.out()).get(0).get("kind").asText());

        Files.writeString(rules.resolve("r.cases.yaml"), """
                cases:
                  - name: fires
                    facts:
                      - LogEvent: {timestamp: 1700000000000, decoder: x}
                    expect:
                      findings: [{rule: LI-CLI-0001, severity: low}]
                  - name: wrong on purpose
                    facts:
                      - LogEvent: {timestamp: 1700000000000, decoder: x}
                    expect:
                      findings: [{rule: LI-CLI-0001, severity: high}]
                """);
        Run test = run("test", "--json", root);
        assertEquals(2, test.exit());
        JsonNode t = JSON.readTree(test.out());
        assertEquals(2, t.get("cases").asInt());
        assertEquals(1, t.get("failed").asInt());
        JsonNode p = t.get("problems").get(0);
        assertEquals("CASE_FAILED", p.get("kind").asText());
        assertEquals("loginspection/r.cases.yaml", p.get("path").asText());
        assertEquals(7, p.get("line").asInt());
        assertTrue(p.get("message").asText().contains("expected high, was low"), p.toString());
        assertEquals(2, run("lint", root).exit());

        Files.writeString(rules.resolve("r.cases.yaml"), Files.readString(rules.resolve("r.cases.yaml")).replace("severity: high", "severity: low"));
        assertEquals(0, run("test", root).exit());
        Files.writeString(rules.resolve("r.cases.yaml"), "cases: [{name: x, facts: [{NoSuchFact: {}}]}]\n");
        JsonNode bad = JSON.readTree(run("test", "--json", root).out()).get("problems").get(0);
        assertEquals("INVALID_CASES", bad.get("kind").asText());
    }
    @Test
    void diffShowsWhatChangedBetweenSavedVersions(@TempDir Path dir) throws Exception {
        Path own = Files.createDirectories(dir.resolve("own/loginspection"));
        Files.writeString(own.resolve("r.drl"), RULE);
        String index = dir.resolve("index").toString();
        assertEquals(0, run("search", "--rules", dir.resolve("own").toString(), "--index", index, "--author", "alice", "x").exit());
        Files.writeString(own.resolve("r.drl"), RULE.replace("@severity(\"low\")", "@severity(\"high\")"));
        assertEquals(0, run("search", "--rules", dir.resolve("own").toString(), "--index", index, "--author", "bob", "x").exit());

        Run history = run("diff", "--index", index, "LI-CLI-0001", "--history");
        assertEquals(0, history.exit());
        assertTrue(history.out().contains("v1") && history.out().contains("alice") && history.out().contains("v2") && history.out().contains("bob"),
                history.out());
        Run diff = run("diff", "--index", index, "LI-CLI-0001");
        assertEquals(1, diff.exit());
        assertTrue(diff.out().contains("-severity: low\n+severity: high\n"), diff.out());
        assertTrue(diff.out().startsWith("--- LI-CLI-0001 v1 (alice, "), diff.out());
        assertEquals(0, run("diff", "--index", index, "LI-CLI-0001", "--from", "2", "--to", "2").exit());
        assertEquals(64, run("diff", "--index", index, "LI-CLI-0001", "--from", "7").exit());
        assertEquals(64, run("diff", "--index", index, "NO-SUCH-0001").exit());
        Path a = Files.writeString(dir.resolve("a.drl"), "x\n");
        Path b = Files.writeString(dir.resolve("b.drl"), "y\n");
        assertEquals("--- " + a + "\n+++ " + b + "\n@@ -1,1 +1,1 @@\n-x\n+y\n", run("diff", a.toString(), b.toString()).out());
    }
}
