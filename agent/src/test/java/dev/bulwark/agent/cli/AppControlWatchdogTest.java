package dev.bulwark.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.appcontrol.EnforcerFixture;
import dev.bulwark.agent.appcontrol.ExecInventory;
import dev.bulwark.agent.spool.EventSpool;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog of application control under {@code run}, for real (as root): the module builds the
 * inventory and enforces in block mode; a rule that burns CPU holds a deciding thread past the stuck
 * limit; the next poll replaces the enforcer, reports the restart through the spool, and blocking
 * goes on with the new one.
 */
class AppControlWatchdogTest {
    private static final String RULES = """
            rule "block unknown" @id("AC-EXEC-0002") @title("block") @module("appcontrol") @severity("high")
            when EnforcementMode( mode == "block" ) $x: ExecRequest( inventoryStatus == "unknown" )
            then insert(Verdict.decide(kcontext, Action.BLOCK, "unknown")); end
            rule "a rule that takes seconds" @id("AC-TEST-0001") @title("burns CPU") @module("appcontrol") @severity("info")
            when $x: ExecRequest( path str[endsWith] "/slow", BigInteger.valueOf(3).pow(60000000).signum() > 0 )
            then insert(Verdict.decide(kcontext, Action.ALLOW, "finally")); end
            """;

    @TempDir
    Path tmp;

    @Test
    void aStuckEnforcerIsReplacedAndReportedAndBlockingGoesOn() throws Exception {
        EnforcerFixture.assumeRoot();
        LoadedKnowledgeBase kb = EnforcerFixture.rules("watchdog.drl", RULES);
        Path apps = Files.createDirectories(tmp.resolve("apps"));
        Files.copy(Path.of("/bin/true"), apps.resolve("tool"), StandardCopyOption.COPY_ATTRIBUTES);
        Path state = tmp.resolve("state");
        Map<String, String> settings = Map.of("appcontrol.enabled", "true", "appcontrol.mode", "prevent", "appcontrol.scope", apps.toString(),
                "appcontrol.inventoryRoots", apps.toString(), "appcontrol.timeoutMs", "300");
        try (EventSpool spool = EventSpool.open(state.resolve("spool/appcontrol"), 16L << 20, Clock.systemUTC());
             AppControlModule m = new AppControlModule(state, kb, settings, spool)) {
            assertTrue(eventually(30_000, () -> {
                m.pollOnce();
                return m.counters().get("appcontrol.enforcing") == 1L;
            }), "the inventory is built, then enforcement starts: " + m.counters());
            assertTrue(Files.exists(state.resolve("appcontrol").resolve(ExecInventory.FILE)));
            for (String name : List.of("slow", "other")) {
                Path p = Files.copy(Path.of("/bin/true"), apps.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
                Files.write(p, name.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
            }
            assertEquals("rc=0", EnforcerFixture.run(apps.resolve("slow")).output(), "undecided at 300 ms: allowed (fail-open) and reported");
            assertTrue(eventually(15_000, () -> {
                m.pollOnce();
                return m.counters().get("appcontrol.restarts") == 1L;
            }), "held past ten timeouts (3 s at least): the poll replaces the enforcer: " + m.counters());
            assertEquals(1L, m.counters().get("appcontrol.enforcing"));
            assertTrue(EnforcerFixture.run(apps.resolve("other")).output().contains("Operation not permitted"), "the new enforcer blocks");
            m.pollOnce();
            String events = String.join("\n", spool.pendingLines(1_000, 16L << 20));
            assertTrue(events.contains("\"problem\":\"restart\""), events);
            assertTrue(events.contains("enforcement restarted: appcontrol-decide-"), events);
            assertTrue(events.contains("\"problem\":\"fail-open\""), events);
            assertTrue(events.contains("\"kind\":\"inventory-built\""), events);
        }
    }

    private static boolean eventually(long millis, BooleanSupplier check) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (check.getAsBoolean()) {
                return true;
            }
            Thread.sleep(200);
        }
        return check.getAsBoolean();
    }
}
