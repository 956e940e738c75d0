package dev.bulwark.authoring.whatif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Severity;
import dev.bulwark.engine.build.BundleBuilder;
import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What-if on 2,000 real OpenSSH lines (loghub, read from ../shared/corpora) against edited copies of the knowledge base. */
class WhatIfTest {

    static final Path KB = Path.of("../knowledge-base/src/main/resources/rules");
    static final Path SSH_LOG = Path.of(System.getProperty("bulwark.corpora", "../../shared/corpora"), "loghub/OpenSSH_2k.log");
    static LoadedKnowledgeBase current;

    @BeforeAll
    static void load() throws Exception {
        assertTrue(Files.exists(SSH_LOG), SSH_LOG + " is missing: the test corpora live in ../shared/corpora beside the checkout");
        current = compile(KB);
    }

    static LoadedKnowledgeBase compile(Path dir) throws Exception {
        return KnowledgeBaseLoader.load(new KnowledgeBaseCompiler().compile(BundleBuilder.readSources(dir)).kjar(), null);
    }

    static Path copyOfKb(Path into) throws Exception {
        try (Stream<Path> files = Files.walk(KB)) {
            for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
                Path target = into.resolve(KB.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return into;
    }

    static WhatIf.Report replay(LoadedKnowledgeBase candidate, int limit) throws Exception {
        try (WhatIf w = new WhatIf(current, candidate, limit)) {
            ReplayInput.logLines(SSH_LOG, w::replay);
            return w.report();
        }
    }

    @Test
    void theSameRulesChangeNothing(@TempDir Path dir) throws Exception {
        WhatIf.Report r = replay(compile(copyOfKb(dir)), 10);
        assertEquals(2000, r.facts());
        assertTrue(r.currentFindings() > 100, "the real log raises findings: " + r.currentFindings());
        assertFalse(r.differs(), r.changes().toString());
        assertEquals(r.currentFindings(), r.unchanged());
    }

    @Test
    void aSeverityChangeAndARemovedRuleAreReportedExactly(@TempDir Path dir) throws Exception {
        Path rules = copyOfKb(dir);
        Path sshd = rules.resolve("loginspection/sshd.drl");
        String text = Files.readString(sshd);
        String raised = text.replace("@id(\"LI-SSH-0001\") @title(\"SSH authentication failed\") @module(\"loginspection\") @severity(\"low\")",
                        "@id(\"LI-SSH-0001\") @title(\"SSH authentication failed\") @module(\"loginspection\") @severity(\"medium\")")
                .replace("insert(Finding.raise(kcontext, Severity.LOW, \"failed SSH password for \"",
                        "insert(Finding.raise(kcontext, Severity.MEDIUM, \"failed SSH password for \"");
        int start = raised.indexOf("rule \"sshd invalid user\"");
        int end = raised.indexOf("\nend\n", start) + 5;
        Files.writeString(sshd, raised.substring(0, start) + raised.substring(end));
        Files.writeString(rules.resolve("loginspection/sshd.cases.yaml"), "cases: []\n");

        WhatIf.Report r = replay(compile(rules), 100_000);
        long passwords = r.perRule().get("LI-SSH-0001").current();
        long invalid = r.perRule().get("LI-SSH-0002").current();
        assertTrue(passwords > 0 && invalid > 0, r.perRule().toString());
        assertEquals(passwords, r.changed());
        assertTrue(r.changes().stream().filter(c -> c.kind() == WhatIf.Kind.CHANGED)
                .allMatch(c -> c.ruleId().equals("LI-SSH-0001") && c.severityBefore() == Severity.LOW && c.severityAfter() == Severity.MEDIUM));
        assertEquals(0, r.perRule().get("LI-SSH-0002").candidate());
        assertEquals(invalid, r.changes().stream().filter(c -> c.kind() == WhatIf.Kind.DISAPPEARED && c.ruleId().equals("LI-SSH-0002")).count());
        assertTrue(r.changes().stream().allMatch(c -> c.source().endsWith("OpenSSH_2k.log") && c.line() >= 1 && c.line() <= 2000));
    }

    @Test
    void unreadableFactLinesAreSkippedByNumberAndTheRestReplays(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("events.jsonl");
        Files.writeString(events, String.join("\n",
                "{\"LogEvent\": {\"timestamp\": 1700000000000, \"decoder\": \"sshd\", \"action\": \"failed-password\", \"srcIp\": \"203.0.113.5\", \"user\": \"root\"}}",
                "not json",
                "{\"Nonsense\": {}}",
                "{\"LogEvent\": {\"timestamp\": 1700000000000, \"noSuchField\": 1}}",
                "",
                "{\"LogEvent\": {\"timestamp\": 1700000001000, \"decoder\": \"sshd\", \"action\": \"failed-password\", \"srcIp\": \"203.0.113.5\", \"user\": \"admin\"}}"));
        try (WhatIf w = new WhatIf(current, current, 10)) {
            ReplayInput.factLines(events, w::replay, w::skipped);
            WhatIf.Report r = w.report();
            assertEquals(2, r.facts());
            assertEquals(List.of(2L, 3L, 4L), r.skipped().stream().map(ReplayInput.Skipped::line).toList());
            assertTrue(r.skipped().get(1).reason().contains("unknown fact type 'Nonsense'"), r.skipped().toString());
            assertEquals(2, r.perRule().get("LI-SSH-0001").current());
            assertFalse(r.differs());
        }
    }
}
