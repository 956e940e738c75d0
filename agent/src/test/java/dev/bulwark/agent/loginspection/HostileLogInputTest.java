package dev.bulwark.agent.loginspection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Finding;
import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.loginspection.decoder.LogLineDecoder;
import dev.bulwark.engine.policy.DrlSource;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The log-inspection issue's hostile inputs, through the real scanner: a 1 MB line, NUL bytes,
 * invalid UTF-8, CR/LF injection, an address forged inside a user name, and a rule whose regex
 * backtracks catastrophically. Every line is still reported, nothing crashes, and the run
 * finishes (the timeout only catches a hang; no speed is asserted).
 */
class HostileLogInputTest {

    private static final String RULES = """
            package rules.loginspection;
            import dev.bulwark.engine.loginspection.LogEvent;
            import dev.bulwark.engine.Finding;
            import dev.bulwark.engine.Severity;
            import dev.bulwark.engine.helper.Patterns;
            rule "every line" @id("LI-HOS-0001") @title("every line") @module("loginspection") @severity("info")
            when $e: LogEvent( host == "web1" )
            then insert(Finding.raise(kcontext, Severity.INFO, "seen", "srcip", $e.srcIp(), "user", $e.user())); end
            rule "catastrophic" @id("LI-HOS-0002") @title("catastrophic regex") @module("loginspection") @severity("low")
            when $e: LogEvent( program == "app", Patterns.find("^(.*a){12}$", raw) )
            then insert(Finding.raise(kcontext, Severity.LOW, "matched")); end
            """;

    @Test
    void everyHostileLineIsReportedAndTheRunFinishes() throws Exception {
        LoadedKnowledgeBase kb = KnowledgeBaseLoader.load(new KnowledgeBaseCompiler().compile(List.of(new DrlSource("h.drl", RULES))).kjar(), null);
        List<Finding> findings = new ArrayList<>();
        LogScanner.Stats stats = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (LogScanner scanner = new LogScanner(kb, new LogLineDecoder(), r -> findings.addAll(r.findings()))) {
                scanner.scan(new ByteArrayInputStream(HostileLines.log()), null, null);
                return scanner.stats();
            }
        });
        assertEquals(HostileLines.LINES, stats.lines(), "one event per line, the CR does not split one");
        assertEquals(1, stats.truncated(), "the megabyte line is cut and says so");
        List<Finding> seen = findings.stream().filter(f -> f.ruleId().equals("LI-HOS-0001")).toList();
        assertEquals(6, seen.size(), "every line is still reported");
        // Patterns examines the first 8,192 characters: the cut megabyte line ends in 'a' and really matches;
        // the 40 a's followed by '!' would backtrack for minutes and is abandoned as no match.
        List<Finding> regex = findings.stream().filter(f -> f.ruleId().equals("LI-HOS-0002")).toList();
        assertEquals(1, regex.size(), regex.toString());
        assertTrue(regex.get(0).explanation().facts().get(0).toString().length() > 60_000, "the match is the megabyte line");
        assertTrue(seen.stream().anyMatch(f -> "203.0.113.9".equals(f.evidence().get("srcip"))), "the real peer, not the forged one");
        assertTrue(seen.stream().noneMatch(f -> "6.6.6.6".equals(f.evidence().get("srcip"))));
        assertTrue(seen.stream().noneMatch(f -> "9.9.9.9".equals(f.evidence().get("srcip"))), "no event was forged by the CR");
        assertTrue(seen.stream().anyMatch(f -> "203.0.113.1".equals(f.evidence().get("srcip"))), "a NUL in the user does not lose the line");
    }
}
