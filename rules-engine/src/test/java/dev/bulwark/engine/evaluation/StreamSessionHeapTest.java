package dev.bulwark.engine.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.TestRules;
import dev.bulwark.engine.loginspection.LogEvent;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A long-lived session must give its memory back: a million events pass through, by expiry and
 * by explicit deletes, and afterwards the heap is where it started. A retained-network leak (the
 * per-event join trap) never shows in short tests, so this one is long on purpose. It asserts on
 * memory, never on time.
 */
class StreamSessionHeapTest {

    private static final int EVENTS = 1_000_000;
    private static final int BATCH = 1_000;
    private static final long SLACK_BYTES = 48L << 20;
    private static LoadedKnowledgeBase kb;

    @BeforeAll
    static void compile() throws Exception {
        kb = TestRules.load(TestRules.SSH_RULES);
    }

    @Test
    void expiredEventsLeaveNoHeapBehind() {
        try (StreamSession session = kb.openSession(StreamSession.Clock.PSEUDO)) {
            long t0 = 1_700_000_000_000L;
            run(session, t0, 50_000, true);
            session.advanceTo(session.now() + 11 * 60_000L);
            long baseline = usedHeapAfterGc();
            long alerts = run(session, session.now() + 1, EVENTS, true);
            assertTrue(alerts > 0, "the correlation rule should have fired on the attack bursts");
            assertTrue(session.factCount() > 0, "events inside the expiry horizon are still held");
            session.advanceTo(session.now() + 11 * 60_000L);
            assertEquals(0, session.factCount(), "every event expires ten minutes after its timestamp");
            long after = usedHeapAfterGc();
            System.out.printf("expiry: %,d events, %,d brute-force alerts, heap %s before, %s after%n", EVENTS, alerts, mb(baseline), mb(after));
            assertTrue(after <= baseline + SLACK_BYTES, "heap grew from " + mb(baseline) + " to " + mb(after));
        }
    }

    @Test
    void deletedFactsLeaveNoHeapBehind() {
        try (StreamSession session = kb.openSession(StreamSession.Clock.PSEUDO)) {
            long t0 = 1_700_000_000_000L;
            run(session, t0, 50_000, false);
            long baseline = usedHeapAfterGc();
            run(session, session.now() + 1, EVENTS, false);
            assertEquals(0, session.factCount(), "facts inserted with keep=false are deleted after their batch fires");
            long after = usedHeapAfterGc();
            System.out.printf("deletes: %,d events, heap %s before, %s after%n", EVENTS, mb(baseline), mb(after));
            assertTrue(after <= baseline + SLACK_BYTES, "heap grew from " + mb(baseline) + " to " + mb(after));
        }
    }

    /** Mostly noise, with a burst of failed logins from one address every 10,000 events. Returns the brute-force alerts. */
    private static long run(StreamSession session, long start, int count, boolean keep) {
        long alerts = 0;
        List<LogEvent> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < count; i++) {
            long ts = start + i * 10L;
            int phase = i % 10_000;
            LogEvent e = phase < 6
                    ? TestRules.sshFailure(ts, "198.51.100." + (i / 10_000 % 250), "root")
                    : new LogEvent(ts, "web1", "cron", 77, "cron", "session-opened", "success", null, null, null, null,
                            "user" + (i % 97), null, null, Map.of(), "pam_unix(cron:session): session opened");
            batch.add(e);
            if (batch.size() == BATCH) {
                alerts += session.insert(batch, keep).findings().stream().filter(f -> f.ruleId().equals("LI-TEST-0002")).count();
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            alerts += session.insert(batch, keep).findings().stream().filter(f -> f.ruleId().equals("LI-TEST-0002")).count();
        }
        return alerts;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String mb(long bytes) {
        return (bytes >> 20) + " MB";
    }
}
