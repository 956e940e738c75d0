package dev.bulwark.knowledgebase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark-agent appcontrol} for real, as root, with the default bundle: the inventory is the
 * allowlist; in block mode an unknown binary's exec fails with EPERM, an inventoried one runs, a
 * modified one is blocked, approving it lets it run, an admin block holds even in detect mode, a
 * maintenance window admits a new binary into the inventory; in detect mode unknown software runs
 * and is reported; killing the agent leaves exec working.
 */
class AppControlEnforcementTest {

    @TempDir
    static Path work;
    static Path state;
    static Path tree;

    @BeforeAll
    static void install() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) || "true".equals(System.getenv("CI")),
                "fanotify needs root (CI runs as root)");
        state = DefaultBundleOnAgentRuntimeTest.stateWithDefaultBundle(work.resolve("state"));
        tree = Files.createDirectories(work.resolve("apps"));
        Files.copy(Path.of("/bin/true"), tree.resolve("tool"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(tree.resolve("script.sh"), "#!/bin/sh\nexit 0\n");
        new ProcessBuilder("chmod", "755", tree.resolve("script.sh").toString()).start().waitFor();
        Files.writeString(tree.resolve("notes.txt"), "not a program");
        var inv = DefaultBundleOnAgentRuntimeTest.agent("appcontrol", "inventory", "--state", state.toString(), "--root", tree.toString());
        assertEquals(0, inv.exit(), inv.toString());
        assertTrue(inv.stdout().contains(": 2 executables"), inv.stdout());
    }

    private static Process enforce(Path log, String mode) throws Exception {
        ProcessBuilder pb = DefaultBundleOnAgentRuntimeTest.agentProcess("appcontrol", "enforce", "--state", state.toString(), "--mode", mode,
                "--scope", tree.toString(), "--for", "120");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains("; ready")) {
            assertTrue(p.isAlive(), Files.readString(log));
            assertTrue(System.nanoTime() < deadline, Files.readString(log));
            Thread.sleep(50);
        }
        return p;
    }

    /** Runs a program; returns its exit code and what it (or the shell) said. */
    private static String run(Path program) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", program + "; echo rc=$?").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.trim();
    }

    private static Path copyOf(String source, String name) throws Exception {
        return Files.copy(Path.of(source), tree.resolve(name), StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void blockModeBlocksUnknownAndChangedSoftwareUntilApprovedOrAdmittedInMaintenance() throws Exception {
        Path changed = copyOf("/bin/true", "tool-to-change");
        var inv = DefaultBundleOnAgentRuntimeTest.agent("appcontrol", "inventory", "--state", state.toString(), "--root", tree.toString());
        assertEquals(0, inv.exit());
        Path unknown = copyOf("/bin/false", "dropped");
        Files.write(unknown, new byte[] {0}, StandardOpenOption.APPEND); // content no inventoried file has
        Files.write(changed, new byte[] {1}, StandardOpenOption.APPEND);
        Path log = work.resolve("enforce-block.log");
        Process agent = enforce(log, "block");
        try {
            assertEquals("rc=0", run(tree.resolve("tool")), "an inventoried binary runs");
            assertEquals("rc=0", run(tree.resolve("script.sh")), "an inventoried script runs");
            String blocked = run(unknown);
            assertTrue(blocked.contains("Operation not permitted") && blocked.endsWith("rc=126"), blocked);
            String tampered = run(changed);
            assertTrue(tampered.contains("Operation not permitted"), "a modified inventoried binary is blocked: " + tampered);
            // the enforcer answers first and reports after, so the exec does not wait for the log line
            assertTrue(eventually(() -> Files.readString(log).contains("BLOCKED " + unknown + " (unknown")), Files.readString(log));
            assertTrue(eventually(() -> Files.readString(log).contains("[AC-EXEC-0003]")), Files.readString(log));

            String sha = sha256(unknown);
            var approve = DefaultBundleOnAgentRuntimeTest.agent("appcontrol", "approve", "--state", state.toString(), "--hash", sha, "--note", "test");
            assertEquals(0, approve.exit(), approve.toString());
            assertTrue(eventually(() -> run(unknown).equals("rc=1")), "approved: /bin/false runs and fails as it should");

            var block = DefaultBundleOnAgentRuntimeTest.agent("appcontrol", "block", "--state", state.toString(), "--path", tree.resolve("tool").toString());
            assertEquals(0, block.exit());
            assertTrue(eventually(() -> run(tree.resolve("tool")).contains("Operation not permitted")), "an admin block holds for an inventoried binary");

            Path fresh = copyOf("/bin/echo", "installed-update");
            assertTrue(run(fresh).contains("Operation not permitted"));
            assertEquals(0, DefaultBundleOnAgentRuntimeTest.agent("appcontrol", "maintenance", "--state", state.toString(), "--for", "10m").exit());
            assertTrue(eventually(() -> run(fresh).endsWith("rc=0")), "maintenance admits new software: " + run(fresh) + "\n" + Files.readString(log));
            assertEquals(0, DefaultBundleOnAgentRuntimeTest.agent("appcontrol", "maintenance", "--state", state.toString(), "--end").exit());
            assertTrue(eventually(() -> run(fresh).endsWith("rc=0")), "and it stays admitted after the window: it is in the inventory now");
        } finally {
            agent.destroy();
            assertTrue(agent.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(Files.readString(log).contains("stopped:"), Files.readString(log));
        assertTrue(Files.readString(state.resolve("appcontrol/inventory.tsv")).contains(tree.resolve("installed-update") + "\t"),
                "the window's admission is saved in the inventory");
        var status = DefaultBundleOnAgentRuntimeTest.agent("appcontrol", "status", "--state", state.toString());
        assertTrue(status.stdout().contains("block path " + tree.resolve("tool")), status.stdout());
    }

    @Test
    void detectModeRunsUnknownSoftwareAndReportsIt() throws Exception {
        Path unknown = copyOf("/bin/ls", "new-ls");
        Files.write(unknown, new byte[] {2}, StandardOpenOption.APPEND);
        Path log = work.resolve("enforce-detect.log");
        Process agent = enforce(log, "detect");
        try {
            assertTrue(run(unknown).endsWith("rc=0"), "detect mode lets it run");
            assertTrue(eventually(() -> Files.readString(log).contains("ALLOWED " + unknown + " (unknown")), Files.readString(log));
            assertTrue(Files.readString(log).contains("[AC-EXEC-0004]"));
        } finally {
            agent.destroy();
            agent.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void killingTheAgentLeavesExecWorking() throws Exception {
        Path unknown = copyOf("/bin/false", "dropped-again");
        Files.write(unknown, new byte[] {3}, StandardOpenOption.APPEND);
        Process agent = enforce(work.resolve("enforce-kill.log"), "block");
        assertTrue(run(unknown).contains("Operation not permitted"));
        agent.destroyForcibly();
        assertTrue(agent.waitFor(30, TimeUnit.SECONDS));
        assertEquals("rc=1", run(unknown), "SIGKILL closes the fanotify group; the kernel allows exec again");
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static boolean eventually(Check c) throws Exception {
        long end = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < end) {
            if (c.ok()) {
                return true;
            }
            Thread.sleep(200);
        }
        return c.ok();
    }

    static String sha256(Path p) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
