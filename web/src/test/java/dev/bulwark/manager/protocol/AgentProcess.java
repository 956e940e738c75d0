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

    static String classPathSeparator() {
        return File.pathSeparator;
    }
}
