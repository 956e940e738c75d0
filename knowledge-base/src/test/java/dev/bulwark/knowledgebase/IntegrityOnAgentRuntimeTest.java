package dev.bulwark.knowledgebase;

import static dev.bulwark.knowledgebase.DefaultBundleOnAgentRuntimeTest.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.engine.integrity.MonitorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark-agent fim} on the agent's exact runtime classpath with the default bundle: the
 * integrity rules rate real changes in a real tree, exit codes say whether anything changed, and a
 * pass killed with SIGKILL leaves the old baseline intact.
 */
class IntegrityOnAgentRuntimeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static Path state;

    @BeforeAll
    static void install() throws Exception {
        state = DefaultBundleOnAgentRuntimeTest.stateWithDefaultBundle(work.resolve("state"));
    }

    @Test
    void theIntegrityRulesRateChangesInAMonitoredTree() throws Exception {
        Path tree = Files.createDirectories(work.resolve("tree/bin"));
        Path tool = tree.resolve("tool");
        Files.writeString(tool, "#!/bin/sh\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path store = work.resolve("fim1");
        String[] common = {"--state", state.toString(), "--store", store.toString()};
        var base = agent(concat(new String[] {"fim", "baseline", "--path", tree.getParent().toString()}, common));
        assertEquals(0, base.exit(), base.toString());
        var clean = agent(concat(new String[] {"fim", "check"}, common));
        assertEquals(0, clean.exit(), clean.toString());
        assertEquals("", clean.stdout());

        assertEquals(0, new ProcessBuilder("chmod", "4755", tool.toString()).start().waitFor());
        var check = agent(concat(new String[] {"fim", "check", "--json"}, common));
        assertEquals(1, check.exit(), check.toString());
        JsonNode change = null;
        for (String line : check.stdout().split("\n")) {
            JsonNode n = JSON.readTree(line);
            if (n.path("path").asText().equals(tool.toString())) {
                change = n;
            }
        }
        assertTrue(change != null, check.stdout());
        assertEquals("modified", change.path("change").asText());
        assertEquals("high", change.path("severity").asText(), change.toString());
        assertEquals("IM-FILE-0003", change.path("ruleId").asText());
        assertEquals(2541, change.path("after").path("mode").asInt());
        assertEquals(493, change.path("before").path("mode").asInt());
        assertTrue(change.path("attributes").toString().contains("mode"));

        var again = agent(concat(new String[] {"fim", "check"}, common));
        assertEquals(0, again.exit(), "each change is reported once: " + again);
    }

    @Test
    void unreadableFilesAreRecordedWithTheirErrorAndTheRestIsChecked() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "needs root to run the agent as nobody (root reads every file)");
        Path base = Files.createDirectories(work.resolve("unreadable"));
        Path tree = Files.createDirectories(base.resolve("tree"));
        Path store = Files.createDirectories(base.resolve("store"));
        Files.writeString(tree.resolve("secret"), "only root");
        Files.writeString(tree.resolve("open"), "anyone");
        Files.createDirectories(tree.resolve("closed"));
        Files.writeString(tree.resolve("closed/inside"), "x");
        Files.setPosixFilePermissions(tree.resolve("secret"), PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(tree.resolve("closed"), PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxrwxrwx"));
        // The temporary directory (0700, root's) and what is below it, up to the tree: nobody must
        // be able to walk in. Never above it.
        for (Path p = base; p.startsWith(work); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        var baseline = asNobody("fim", "baseline", "--state", store.toString(), "--store", store.toString(), "--path", tree.toString());
        assertEquals(0, baseline.exit(), baseline.toString());
        assertTrue(baseline.stderr().contains("secret") && baseline.stderr().contains("EACCES"), baseline.stderr());
        assertTrue(baseline.stderr().contains("closed") && baseline.stderr().contains("could not be fully read"), baseline.stderr());

        Files.writeString(tree.resolve("open"), "changed");
        var check = asNobody("fim", "check", "--json", "--state", store.toString(), "--store", store.toString());
        assertEquals(1, check.exit(), check.toString());
        List<String> paths = new ArrayList<>();
        for (String line : check.stdout().split("\n")) {
            paths.add(JSON.readTree(line).path("path").asText());
        }
        assertEquals(List.of(tree.resolve("open").toString()), paths, "the readable file's change, and no false change for the unreadable ones");
    }

    /**
     * The agent as uid 65534, from a copy of its jars in a directory anyone can read: the checkout
     * may sit below a directory nobody cannot enter (/root).
     */
    private static DefaultBundleOnAgentRuntimeTest.Result asNobody(String... args) throws Exception {
        Path copy = work.resolve("agent-for-nobody");
        if (!Files.exists(copy)) {
            Files.createDirectories(copy.resolve("lib"));
            Files.copy(DefaultBundleOnAgentRuntimeTest.AGENT_JAR, copy.resolve("agent.jar"));
            try (var jars = Files.list(DefaultBundleOnAgentRuntimeTest.AGENT_LIB)) {
                for (Path j : jars.toList()) {
                    Files.copy(j, copy.resolve("lib").resolve(j.getFileName()));
                }
            }
            for (Path p = copy; p.startsWith(work); p = p.getParent()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", copy.resolve("agent.jar") + java.io.File.pathSeparator + copy.resolve("lib") + "/*", "dev.bulwark.agent.AgentMain"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("CLASSPATH");
        return DefaultBundleOnAgentRuntimeTest.run(pb);
    }

    @Test
    void withoutABaselineCheckSaysHowToBuildOne() throws Exception {
        var r = agent("fim", "check", "--state", state.toString(), "--store", work.resolve("none").toString());
        assertEquals(4, r.exit(), r.toString());
        assertTrue(r.stderr().contains("fim baseline"), r.stderr());
    }

    @Test
    void aPassKilledMidwayLeavesTheOldBaseline() throws Exception {
        Path tree = Files.createDirectories(work.resolve("big"));
        for (int d = 0; d < 40; d++) {
            Path dir = Files.createDirectories(tree.resolve("d" + d));
            for (int i = 0; i < 500; i++) {
                Files.writeString(dir.resolve("f" + i), "version one of " + d + "/" + i);
            }
        }
        Path store = work.resolve("fim-kill");
        String[] common = {"--state", state.toString(), "--store", store.toString(), "--threads", "1"};
        assertEquals(0, agent(concat(new String[] {"fim", "baseline", "--path", tree.toString()}, common)).exit());
        Path baseline = store.resolve("baseline.fim");
        byte[] before = Files.readAllBytes(baseline);
        for (int d = 0; d < 40; d++) {
            for (int i = 0; i < 500; i++) {
                Files.writeString(tree.resolve("d" + d).resolve("f" + i), "version two of " + d + "/" + i);
            }
        }
        Process p = DefaultBundleOnAgentRuntimeTest.agentProcess(concat(new String[] {"fim", "check"}, common))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean writing = false;
        while (!writing && p.isAlive() && System.nanoTime() < deadline) {
            try (var files = Files.list(store)) {
                writing = files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp"));
            }
            Thread.sleep(2);
        }
        assertTrue(writing, "the check started writing its new baseline");
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        assertTrue(Arrays.equals(before, Files.readAllBytes(baseline)), "the old baseline is untouched");

        var check = agent(concat(new String[] {"fim", "check", "--json"}, common));
        assertEquals(1, check.exit(), check.stderr());
        long modified = check.stdout().lines().filter(l -> l.contains("\"change\":\"modified\"") && l.contains("/f")).count();
        assertEquals(20_000, modified, "every change the killed pass saw is reported by the next one");
        try (var files = Files.list(store)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(), "the killed pass's file was cleared");
        }
    }

    @Test
    void theDefaultRulesDeclareWhatTheyMonitor() throws Exception {
        List<MonitorSpec> specs = KnowledgeBaseFixture.knowledgeBase().monitorSpecs();
        List<String> includes = new ArrayList<>();
        specs.forEach(s -> includes.addAll(s.includes()));
        assertTrue(includes.containsAll(List.of("/etc/shadow", "/etc/passwd", "/etc/ssh", "/etc/ld.so.preload", "/usr/bin")), includes.toString());
        assertTrue(specs.stream().allMatch(s -> s.ruleId().startsWith("IM-FILE-")), specs.toString());
        assertEquals(MonitorSpec.ENTITY_TYPES, KnowledgeBaseFixture.knowledgeBase().monitoredEntities(), "every entity type is rated by some rule");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
