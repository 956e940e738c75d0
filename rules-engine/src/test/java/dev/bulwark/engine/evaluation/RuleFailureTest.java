package dev.bulwark.engine.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.TestRules;
import dev.bulwark.engine.loginspection.LogEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A rule that throws must not blind the others: the failure is reported and evaluation goes on. */
class RuleFailureTest {

    private static final String RULES = """
            package rules.loginspection;
            import dev.bulwark.engine.loginspection.LogEvent;
            import dev.bulwark.engine.Finding;
            import dev.bulwark.engine.Severity;
            rule "throws in its consequence" @id("LI-FAIL-0001") @title("t") @module("loginspection") @severity("low")
            when $e: LogEvent( decoder == "sshd" )
            then insert(Finding.raise(kcontext, Severity.LOW, "user has " + $e.user().length() + " characters")); end
            rule "throws in its condition" @id("LI-FAIL-0002") @title("t") @module("loginspection") @severity("low")
            when $e: LogEvent( decoder == "sshd", user.length() > 3 )
            then insert(Finding.raise(kcontext, Severity.LOW, "long user")); end
            rule "healthy" @id("LI-FAIL-0003") @title("t") @module("loginspection") @severity("low")
            when $e: LogEvent( decoder == "sshd" )
            then insert(Finding.raise(kcontext, Severity.LOW, "seen")); end
            """;

    private static LogEvent event(long ts, String user) {
        return new LogEvent(ts, "h", "sshd", 1, "sshd", "x", null, null, null, null, null, user, null, null, Map.of(), "raw");
    }

    @Test
    void failuresAreReportedAndTheOtherRulesStillRun() throws Exception {
        LoadedKnowledgeBase kb = TestRules.load(RULES);
        try (StreamSession s = kb.openSession(StreamSession.Clock.PSEUDO)) {
            List<LogEvent> batch = new ArrayList<>();
            batch.add(event(1_000, null));          // both failing rules throw on this one
            batch.add(event(2_000, "alice"));
            EvaluationResult r = s.insert(batch, false);
            assertEquals(2, r.findings().stream().filter(f -> f.ruleId().equals("LI-FAIL-0003")).count(), r.toString());
            assertTrue(r.findings().stream().anyMatch(f -> f.ruleId().equals("LI-FAIL-0001") && f.message().contains("5")));
            assertTrue(r.failures().stream().anyMatch(f -> "LI-FAIL-0001".equals(f.ruleId()) && f.error().contains("NullPointerException")), r.failures().toString());
            assertTrue(r.failures().size() >= 1);
            assertTrue(kb.statistics().failures("LI-FAIL-0001") >= 1);
            // the session still works afterwards
            EvaluationResult next = s.insert(List.of(event(3_000, "bob")), false);
            assertTrue(next.findings().stream().anyMatch(f -> f.ruleId().equals("LI-FAIL-0003")));
        }
    }
}
