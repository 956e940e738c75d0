package dev.bulwark.manager.protocol;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code bulwark-agent} as a separate JVM (the test's class path, the agent's main class). */
final class AgentProcess {
    private AgentProcess() {
    }

    static Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:disable", "-Xmx512m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), "dev.bulwark.agent.AgentMain"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove("BULWARK_AGENT_STATE");
        return pb.start();
    }

    /** Runs to completion; returns the exit code. */
    static int run(Path log, String... args) throws IOException, InterruptedException {
        Process p = start(log, args);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("agent " + String.join(" ", args) + " did not finish; see " + log);
        }
        return p.exitValue();
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Enrols an agent with state in {@code state} (its output appended to {@code log}) under {@code hostname}; returns its id. */
    static String enroll(RunningManager m, Path state, Path log, String hostname) throws Exception {
        String token = JSON.readTree(m.call("POST", "/api/enrollment-tokens", m.adminKey(), JSON.writeValueAsString(java.util.Map.of("label", hostname)))
                .body()).get("token").asText();
        int exit = run(log, "enroll", "--state", state.toString(), "--hostname", hostname, m.url().toString(), token);
        if (exit != 0) {
            throw new IllegalStateException("enrolment failed (" + exit + "); see " + log);
        }
        return dev.bulwark.agent.uplink.AgentIdentity.load(state).orElseThrow().agentId();
    }

    /** Creates a policy with these settings and puts the agent under it. */
    static void assignPolicy(RunningManager m, String agentId, String name, java.util.Map<String, String> settings) throws Exception {
        String admin = m.adminKey();
        var made = m.call("POST", "/api/policies", admin, JSON.writeValueAsString(java.util.Map.of("name", name, "description", name + " test",
                "settings", settings)));
        var put = m.call("PUT", "/api/agents/" + agentId + "/policy", admin, "{\"policyId\":" + JSON.readTree(made.body()).get("id").asLong() + "}");
        if (put.statusCode() != 200) {
            throw new IllegalStateException("policy " + name + " not assigned: " + made.body() + " / " + put.body());
        }
    }

    static String classPathSeparator() {
        return File.pathSeparator;
    }
}
