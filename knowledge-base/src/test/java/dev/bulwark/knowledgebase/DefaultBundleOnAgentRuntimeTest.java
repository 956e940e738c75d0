package dev.bulwark.knowledgebase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.engine.bundle.BundleManifest;
import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.build.BundleBuilder;
import dev.bulwark.engine.policy.DrlSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default bundle, as built, in a separate JVM on the agent's exact runtime classpath
 * ({@code agent/target/lib} plus the agent jar: no compiler, no DRL parser, no ECJ, no codegen):
 * it verifies, loads and fires known events; tampered, foreign-signed and older bundles are
 * refused with their reason and leave the running one in place.
 */
class DefaultBundleOnAgentRuntimeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path AGENT_JAR = Path.of(System.getProperty("bulwark.agent.jar", "../agent/target/agent.jar"));
    static final Path AGENT_LIB = Path.of(System.getProperty("bulwark.agent.lib", "../agent/target/lib"));

    @TempDir
    static Path work;
    static Path state;

    @BeforeAll
    static void install() throws Exception {
        assertTrue(Files.exists(AGENT_JAR) && Files.isDirectory(AGENT_LIB),
                "the agent must be packaged first (" + AGENT_JAR + ", " + AGENT_LIB + "); run ./mvnw verify from the root");
        state = work.resolve("state");
        Result pin = agent("trust", "pin", "--state", state.toString(), KnowledgeBaseFixture.DEV_KEY.toString());
        assertEquals(0, pin.exit, pin.toString());
        Result installed = agent("bundle", "install", "--json", "--state", state.toString(), KnowledgeBaseFixture.BUNDLE.toString());
        assertEquals(0, installed.exit, installed.toString());
        assertTrue(JSON.readTree(installed.stdout).path("installed").asBoolean(), installed.toString());
    }

    @Test
    void agentRuntimeHasNoCompiler() throws Exception {
        Result doctor = agent("doctor", "--json");
        assertEquals(0, doctor.exit, doctor.toString());
        JsonNode n = JSON.readTree(doctor.stdout);
        assertEquals(0, n.path("compilerClassesPresent").size(), doctor.stdout);
        List<String> jars = new ArrayList<>();
        try (var s = Files.list(AGENT_LIB)) {
            s.forEach(p -> jars.add(p.getFileName().toString()));
        }
        for (String forbidden : List.of("drools-compiler", "drools-drl-parser", "drools-model-codegen", "ecj", "javaparser", "drools-mvel")) {
            assertTrue(jars.stream().noneMatch(j -> j.startsWith(forbidden)), forbidden + " is on the agent classpath: " + jars);
        }
    }

    @Test
    void loadedBundleFiresKnownEvents() throws Exception {
        Path facts = work.resolve("facts.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add("{\"type\":\"LogEvent\",\"fact\":{\"timestamp\":" + (1_700_000_000_000L + i * 1000) + ",\"host\":\"web1\",\"program\":\"sshd\","
                    + "\"decoder\":\"sshd\",\"action\":\"failed-password\",\"srcIp\":\"203.0.113.5\",\"user\":\"root\"}}");
        }
        lines.add("{\"type\":\"EnforcementMode\",\"fact\":{\"mode\":\"block\",\"maintenance\":false}}");
        lines.add("{\"type\":\"ExecRequest\",\"fact\":{\"path\":\"/tmp/xmrig\",\"sha256\":\"bb\",\"size\":1,\"uid\":1000,\"user\":\"bob\",\"pid\":7,"
                + "\"inventoryStatus\":\"unknown\",\"timestamp\":1700000000000}}");
        Files.write(facts, lines);
        Result r = agent("evaluate", "--json", "--state", state.toString(), "--facts", facts.toString());
        assertEquals(1, r.exit, "exit 1 means results were found: " + r);
        List<JsonNode> results = new ArrayList<>();
        for (String line : r.stdout.split("\n")) {
            if (!line.isBlank()) {
                results.add(JSON.readTree(line));
            }
        }
        assertEquals(5, results.stream().filter(n -> n.path("ruleId").asText().equals("LI-SSH-0001")).count(), r.stdout);
        JsonNode brute = results.stream().filter(n -> n.path("ruleId").asText().equals("LI-SSH-0003")).findFirst().orElseThrow();
        assertEquals("high", brute.path("severity").asText());
        assertEquals("203.0.113.5", brute.path("evidence").path("srcip").asText());
        assertEquals("LogEvent", brute.path("explanation").path("facts").get(0).path("type").asText());
        assertTrue(results.stream().anyMatch(n -> n.path("kind").asText().equals("verdict") && n.path("action").asText().equals("block")
                && n.path("ruleId").asText().equals("AC-EXEC-0002")), r.stdout);
    }

    @Test
    void tamperedForeignSignedAndOlderBundlesAreRefusedAndTheRunningOneStays() throws Exception {
        byte[] current = Files.readAllBytes(KnowledgeBaseFixture.BUNDLE);
        long running = JSON.readTree(agent("bundle", "status", "--json", "--state", state.toString()).stdout).path("bundleVersion").asLong();

        Path tampered = work.resolve("tampered.bkb");
        Files.write(tampered, flipByteIn(current, BundleManifest.KJAR));
        assertRefused(tampered, "TAMPERED_ENTRY");

        KeyPair stranger = SigningKeys.generate();
        List<DrlSource> sources = BundleBuilder.readSources(KnowledgeBaseFixture.RULES);
        Path foreign = work.resolve("foreign.bkb");
        Files.write(foreign, new BundleBuilder().build(sources, Map.of(), running + 1, stranger).bundle());
        assertRefused(foreign, "WRONG_KEY");

        Path older = work.resolve("older.bkb");
        KeyPair dev = SigningKeys.readPair(KnowledgeBaseFixture.DEV_KEY.resolveSibling("bulwark-dev.key"));
        Files.write(older, new BundleBuilder().build(sources, Map.of(), running - 1, dev).bundle());
        assertRefused(older, "ROLLBACK");

        Result status = agent("bundle", "status", "--json", "--state", state.toString());
        assertEquals(0, status.exit, status.toString());
        assertEquals(running, JSON.readTree(status.stdout).path("bundleVersion").asLong());
    }

    private static void assertRefused(Path bundle, String reason) throws Exception {
        Result r = agent("bundle", "install", "--json", "--state", state.toString(), bundle.toString());
        assertEquals(3, r.exit, r.toString());
        assertEquals(reason, JSON.readTree(r.stdout).path("reason").asText(), r.toString());
    }

    private static byte[] flipByteIn(byte[] bundle, String entryName) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bundle)); ZipOutputStream z = new ZipOutputStream(out)) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                byte[] content = in.readAllBytes();
                if (e.getName().equals(entryName)) {
                    content[content.length / 3] ^= 0x20;
                }
                z.putNextEntry(new ZipEntry(e.getName()));
                z.write(content);
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    record Result(int exit, String stdout, String stderr) {
    }

    /** Runs the agent's main class in a new JVM whose classpath is the agent jar and target/lib, nothing else. */
    static Result agent(String... args) throws Exception {
        return run(agentProcess(args));
    }

    /** An agent state directory with the development key pinned and the default bundle installed. */
    static java.nio.file.Path stateWithDefaultBundle(Path state) throws Exception {
        Result pinned = agent("trust", "pin", "--state", state.toString(), KnowledgeBaseFixture.DEV_KEY.toString());
        if (pinned.exit() != 0) {
            throw new IllegalStateException("trust pin: " + pinned);
        }
        Result installed = agent("bundle", "install", "--state", state.toString(), KnowledgeBaseFixture.BUNDLE.toString());
        if (installed.exit() != 0) {
            throw new IllegalStateException("bundle install: " + installed);
        }
        return state;
    }

    /** Runs a process to its end (two minutes at most) and collects what it printed. */
    static Result run(ProcessBuilder pb) throws Exception {
        Process p = pb.start();
        p.getOutputStream().close();
        var err = p.getErrorStream();
        byte[] stdout = p.getInputStream().readAllBytes();
        byte[] stderr = err.readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("agent did not finish: " + pb.command());
        }
        return new Result(p.exitValue(), new String(stdout, StandardCharsets.UTF_8), new String(stderr, StandardCharsets.UTF_8));
    }

    /** The agent's main class in a new JVM as bin/bulwark-agent starts it, not yet started. */
    static ProcessBuilder agentProcess(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(AGENT_JAR + java.io.File.pathSeparator + AGENT_LIB + "/*");
        cmd.add("dev.bulwark.agent.AgentMain");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("CLASSPATH");
        return pb;
    }
}
