package dev.bulwark.engine.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Finding;
import dev.bulwark.engine.ProtectionModule;
import dev.bulwark.engine.Severity;
import dev.bulwark.engine.TestRules;
import dev.bulwark.engine.loginspection.LogEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    private static LoadedKnowledgeBase kb;

    @BeforeAll
    static void compile() throws Exception {
        kb = TestRules.load(TestRules.SSH_RULES);
    }

    @Test
    void findingCarriesRuleIdModuleEvidenceAndTheMatchedFact() {
        LogEvent e = TestRules.sshFailure(1_700_000_000_000L, "203.0.113.5", "root");
        EvaluationResult r = kb.evaluate(List.of(e));
        assertEquals(1, r.findings().size(), r.toString());
        Finding f = r.findings().get(0);
        assertEquals("LI-TEST-0001", f.ruleId());
        assertEquals(ProtectionModule.LOG_INSPECTION, f.module());
        assertEquals(Severity.LOW, f.severity());
        assertEquals("203.0.113.5", f.evidence().get("srcip"));
        assertEquals("failed password", f.explanation().ruleName());
        assertEquals(List.of(e), f.explanation().facts());
    }

    @Test
    void windowCorrelatesFiveFailuresWithinAMinuteAndNotSlowerOnes() {
        List<LogEvent> fast = new ArrayList<>();
        List<LogEvent> slow = new ArrayList<>();
        long t0 = 1_700_000_000_000L;
        for (int i = 0; i < 5; i++) {
            fast.add(TestRules.sshFailure(t0 + i * 1_000L, "198.51.100.7", "admin"));
            slow.add(TestRules.sshFailure(t0 + i * 30_000L, "198.51.100.8", "admin"));
        }
        assertEquals(1, kb.evaluate(fast).findings().stream().filter(f -> f.ruleId().equals("LI-TEST-0002")).count());
        assertEquals(0, kb.evaluate(slow).findings().stream().filter(f -> f.ruleId().equals("LI-TEST-0002")).count());
    }

    @Test
    void realtimeSessionCorrelatesEventsStampedNowAndRefusesClockControl() {
        try (StreamSession session = kb.openSession(StreamSession.Clock.REALTIME)) {
            long now = System.currentTimeMillis();
            List<LogEvent> burst = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                burst.add(TestRules.sshFailure(now - 4_000 + i * 1_000L, "192.0.2.99", "root"));
            }
            EvaluationResult r = session.insert(burst, true);
            assertEquals(1, r.findings().stream().filter(f -> f.ruleId().equals("LI-TEST-0002")).count(), r.toString());
            assertEquals(5, session.factCount());
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> session.advanceTo(now + 1));
        }
    }

    @Test
    void pseudoSessionKeepsStateAcrossBatchesUntilTheWindowPasses() {
        try (StreamSession session = kb.openSession(StreamSession.Clock.PSEUDO)) {
            long t0 = 1_700_000_000_000L;
            List<LogEvent> first = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                first.add(TestRules.sshFailure(t0 + i * 1_000L, "192.0.2.50", "root"));
            }
            assertEquals(0, session.insert(first, true).findings().stream().filter(f -> f.ruleId().equals("LI-TEST-0002")).count());
            List<LogEvent> second = List.of(TestRules.sshFailure(t0 + 10_000, "192.0.2.50", "root"), TestRules.sshFailure(t0 + 20_000, "192.0.2.50", "root"));
            assertEquals(1, session.insert(second, true).findings().stream().filter(f -> f.ruleId().equals("LI-TEST-0002")).count(),
                    "the fifth failure arrives in a later batch, still within the minute");
            assertEquals(t0 + 20_000, session.now());
            session.advanceTo(t0 + 11 * 60_000L);
            assertEquals(0, session.factCount(), "all events expired");
        }
    }

    @Test
    void statisticsCountFiringsPerRule() {
        long before = kb.statistics().fires("LI-TEST-0001");
        kb.evaluate(List.of(TestRules.sshFailure(1_700_000_000_000L, "192.0.2.1", "bob")));
        assertEquals(before + 1, kb.statistics().fires("LI-TEST-0001"));
        assertTrue(kb.statistics().snapshot().stream().anyMatch(c -> c.ruleId().equals("LI-TEST-0001") && c.consequenceNanos() > 0));
    }
}
