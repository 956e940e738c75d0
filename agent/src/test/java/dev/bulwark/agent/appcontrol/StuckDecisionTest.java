package dev.bulwark.agent.appcontrol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Finding;
import dev.bulwark.engine.appcontrol.ExecRequest;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule that takes seconds must not hang the host. The rule sandbox forbids loops, sleeps and
 * threads, but a constraint may still burn CPU with allowed value types (here {@code 3^60,000,000}
 * with {@link java.math.BigInteger}, some 8-11 s on the CI machine). With fanotify for real (as root), the exec whose
 * decision is stuck is answered when the timeout runs out (denied fail-closed, allowed fail-open)
 * and reported; the other worker keeps deciding; and the enforcer reports itself unhealthy so its
 * owner replaces it.
 */
class StuckDecisionTest {
    private static final String RULES = """
            rule "block unknown" @id("AC-EXEC-0002") @title("block") @module("appcontrol") @severity("high")
            when EnforcementMode( mode == "block" ) $x: ExecRequest( inventoryStatus == "unknown" )
            then insert(Verdict.decide(kcontext, Action.BLOCK, "unknown"));
                 insert(Finding.raise(kcontext, Severity.HIGH, "blocked " + $x.path(), "path", $x.path())); end
            rule "a rule that takes seconds" @id("AC-TEST-0001") @title("burns CPU") @module("appcontrol") @severity("info")
            when $x: ExecRequest( path str[endsWith] "/slow", BigInteger.valueOf(3).pow(60000000).signum() > 0 )
            then insert(Verdict.decide(kcontext, Action.ALLOW, "finally")); end
            """;

    @TempDir
    static Path dir;
    static LoadedKnowledgeBase kb;
    static ExecInventory inventory;

    @BeforeAll
    static void setUp() throws Exception {
        EnforcerFixture.assumeRoot();
        kb = EnforcerFixture.rules("stuck.drl", RULES);
        Files.copy(Path.of("/bin/true"), dir.resolve("tool"), StandardCopyOption.COPY_ATTRIBUTES);
        inventory = new ExecInventory();
        new InventoryBuilder(List.of(), dir.resolve("no-dpkg")).build(List.of(dir.toString()), inventory, 1);
        assertEquals(1, inventory.size());
        for (String name : List.of("slow", "other")) {
            Path p = Files.copy(Path.of("/bin/true"), dir.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
            Files.write(p, name.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND); // content the inventory does not hold
        }
    }

    private record Recorded(List<String> problems, List<String> decisions) implements ExecEnforcer.Listener {
        Recorded() {
            this(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
        }

        @Override
        public void decided(ExecRequest r, boolean allowed, String ruleId, String reason, List<Finding> findings) {
            decisions.add(r.path() + " " + allowed);
        }

        @Override
        public void problem(String kind, String detail) {
            problems.add(kind + ": " + detail);
        }

        boolean eventuallyDecided(String decision) throws InterruptedException {
            long end = System.currentTimeMillis() + 2_000;
            while (!decisions.contains(decision) && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            return decisions.contains(decision);
        }

        /** The report follows the answer (the exec is not kept waiting for it): wait a little for it. */
        boolean eventually(String prefix) throws InterruptedException {
            long end = System.currentTimeMillis() + 2_000;
            while (System.currentTimeMillis() < end) {
                if (problems.stream().anyMatch(p -> p.startsWith(prefix))) {
                    return true;
                }
                Thread.sleep(20);
            }
            return false;
        }
    }

    private static ExecEnforcer start(boolean failClosed, Recorded listener) throws Exception {
        return ExecEnforcer.start(new ExecEnforcer.Config(List.of(dir.toString()), "block", Duration.ofMillis(300), failClosed, List.of(), 2, Set.of(), null, false),
                kb, inventory, AdminDecisions::new, dir.resolve("inventory.tsv"), new MaintenanceWindow(dir), listener);
    }

    @Test
    void failClosedDeniesAStuckDecisionWithinTheTimeoutAndTheOtherWorkerGoesOn() throws Exception {
        Recorded heard = new Recorded();
        try (ExecEnforcer e = start(true, heard)) {
            assertEquals("rc=0", EnforcerFixture.run(dir.resolve("tool")).output(), "an inventoried binary runs");
            EnforcerFixture.Run slow = EnforcerFixture.run(dir.resolve("slow"));
            assertTrue(slow.output().contains("Operation not permitted"), slow.output());
            assertTrue(slow.millis() < 2_000, "answered at the 300 ms timeout, not after the rule's seconds: " + slow.millis() + " ms");
            assertTrue(heard.eventually("fail-closed: denied the exec of " + dir.resolve("slow")), heard.problems().toString());
            EnforcerFixture.Run other = EnforcerFixture.run(dir.resolve("other"));
            assertTrue(other.output().contains("Operation not permitted"), "the second worker still decides: " + other.output());
            assertTrue(heard.eventuallyDecided(dir.resolve("other") + " false"), heard.decisions().toString());
            assertNull(e.unhealthy(), "a decision late by less than the stuck limit is not yet a broken enforcer");
            long end = System.currentTimeMillis() + 5_000;
            while (e.unhealthy() == null && System.currentTimeMillis() < end) {
                Thread.sleep(100);
            }
            assertNotNull(e.unhealthy(), "held past ten timeouts (at least 3 s): the owner is told to restart enforcement");
            assertTrue(e.unhealthy().contains("deciding one exec"), e.unhealthy());
            assertEquals(1, e.timedOut());
        }
    }

    @Test
    void failOpenAllowsAStuckDecisionWithinTheTimeout() throws Exception {
        Recorded heard = new Recorded();
        try (ExecEnforcer e = start(false, heard)) {
            EnforcerFixture.Run slow = EnforcerFixture.run(dir.resolve("slow"));
            assertEquals("rc=0", slow.output(), "allowed, fail-open");
            assertTrue(slow.millis() < 2_000, slow.millis() + " ms");
            assertTrue(heard.eventually("fail-open: allowed the exec of " + dir.resolve("slow")), heard.problems().toString());
        }
        assertEquals("rc=0", EnforcerFixture.run(dir.resolve("other")).output(), "the enforcer closed: the kernel allows again");
    }
}
