package dev.bulwark.knowledgebase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark-agent onaccess} for real, as root, with the default bundle: an EICAR file written by
 * another process is detected and quarantined within a second of being closed; with {@code --deny},
 * opening a detected file fails with EPERM while clean files open; stopping the agent leaves opens
 * working.
 */
class OnAccessScanningTest {

    static final String EICAR = new String(AntimalwareOnAgentRuntimeTest.EICAR, StandardCharsets.US_ASCII);

    @TempDir
    static Path work;
    static Path state;

    @BeforeAll
    static void install() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) || "true".equals(System.getenv("CI")),
                "fanotify needs root (CI runs as root)");
        state = DefaultBundleOnAgentRuntimeTest.stateWithDefaultBundle(work.resolve("state"));
    }

    private static Process onAccess(Path dir, Path log, String... extra) throws Exception {
        String[] args = new String[6 + extra.length];
        args[0] = "onaccess";
        args[1] = "--state";
        args[2] = state.toString();
        args[3] = "--for";
        args[4] = "120";
        System.arraycopy(extra, 0, args, 5, extra.length);
        args[5 + extra.length] = dir.toString();
        ProcessBuilder pb = DefaultBundleOnAgentRuntimeTest.agentProcess(args);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains("; ready")) {
            assertTrue(p.isAlive(), Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "not ready: " + Files.readString(log));
            Thread.sleep(50);
        }
        return p;
    }

    private static int sh(String script) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    @Test
    void aWrittenEicarIsQuarantinedWithinASecond() throws Exception {
        Path dir = Files.createDirectories(work.resolve("incoming"));
        Path log = work.resolve("onaccess1.log");
        Process agent = onAccess(dir, log);
        try {
            Path target = dir.resolve("dropped.com");
            long start = System.nanoTime();
            assertEquals(0, sh("printf '%s' '" + EICAR + "' > " + target));
            while (Files.exists(target) && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
                Thread.sleep(5);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertFalse(Files.exists(target), "still there after 5 s: " + Files.readString(log));
            System.out.println("on-access: written EICAR quarantined " + millis + " ms after the writer closed it");
            assertTrue(millis < 1000, millis + " ms");
            while (!Files.readString(log).contains("FOUND on access")) {
                Thread.sleep(20);
            }
            assertTrue(Files.readString(log).contains("dropped.com: "), Files.readString(log));
            assertTrue(Files.readString(log).contains("quarantined as "), Files.readString(log));
            Path clean = dir.resolve("clean.txt");
            assertEquals(0, sh("echo hello > " + clean));
            Thread.sleep(300);
            assertTrue(Files.exists(clean), "clean files stay");
        } finally {
            agent.destroy();
            assertTrue(agent.waitFor(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void withDenyOpeningADetectedFileFailsWithEpermAndCleanFilesOpen() throws Exception {
        Path dir = Files.createDirectories(work.resolve("served"));
        Path bad = Files.writeString(dir.resolve("payload.com"), EICAR);
        Path good = Files.writeString(dir.resolve("index.html"), "<html>hello</html>");
        Path log = work.resolve("onaccess2.log");
        Process agent = onAccess(dir, log, "--deny", "--report-only");
        try {
            Process cat = new ProcessBuilder("cat", bad.toString()).redirectErrorStream(true).start();
            String said = new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertNotEquals(0, cat.waitFor(), said);
            assertTrue(said.contains("Operation not permitted"), said);
            assertEquals(0, sh("cat " + good + " > /dev/null"));
            Process again = new ProcessBuilder("cat", bad.toString()).redirectErrorStream(true).start();
            assertTrue(new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("Operation not permitted"),
                    "denied again from the verdict cache");
            again.waitFor();
        } finally {
            agent.destroy();
            assertTrue(agent.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(0, sh("cat " + bad + " > /dev/null"), "with the agent gone, opens work again");
        assertTrue(Files.readString(log).contains("stopped:"), Files.readString(log));
    }

    @Test
    void killingTheAgentLeavesOpensWorking() throws Exception {
        Path dir = Files.createDirectories(work.resolve("killed"));
        Path f = Files.writeString(dir.resolve("notes.txt"), "plain");
        Process agent = onAccess(dir, work.resolve("onaccess3.log"), "--deny");
        agent.destroyForcibly();
        assertTrue(agent.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, sh("cat " + f + " > /dev/null"), "SIGKILL closes the fanotify group; the kernel allows");
    }
}
