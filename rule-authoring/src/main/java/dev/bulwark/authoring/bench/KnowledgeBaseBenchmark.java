package dev.bulwark.authoring.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.build.BundleBuilder;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bulwark-rules bench}: for each size, generates that many rules, compiles and signs them
 * (timed here, with the peak heap of this JVM), then verifies and loads the bundle in fresh JVMs
 * on the agent's runtime classpath ({@code bulwark-agent bundle measure}) and reports the median.
 * Prints figures; asserts nothing.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark knowledge-base builds: compile time, bundle size, agent-side load time and heap, per rule count.")
public final class KnowledgeBaseBenchmark implements Callable<Integer> {

    @Option(names = "--sizes", split = ",", defaultValue = "100,1000,5000", description = "rule counts (default: ${DEFAULT-VALUE})")
    int[] sizes;
    @Option(names = "--load-runs", defaultValue = "3", description = "agent-side loads per size; the median is reported")
    int loadRuns;
    @Option(names = "--agent-jar", paramLabel = "JAR", description = "the agent jar (default: $BULWARK_HOME/agent/target/agent-*.jar)")
    Path agentJar;
    @Option(names = "--agent-lib", paramLabel = "DIR", description = "the agent runtime classpath (default: $BULWARK_HOME/agent/target/lib)")
    Path agentLib;
    @Option(names = "--agent-heap", defaultValue = "1g", description = "-Xmx of the agent JVMs (default: ${DEFAULT-VALUE})")
    String agentHeap;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getenv().getOrDefault("BULWARK_HOME", "."));
        Path lib = agentLib != null ? agentLib : home.resolve("agent/target/lib");
        Path jar = agentJar != null ? agentJar : findAgentJar(home.resolve("agent/target"));
        Path work = Files.createTempDirectory("bulwark-bench");
        KeyPair key = SigningKeys.generateInto(work, "bench");
        System.out.printf("knowledge-base build benchmark: JDK %s, %d cores, max heap %d MB, agent heap %s%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, agentHeap);
        System.out.printf("%8s %12s %12s %12s %12s %12s %14s %14s%n", "rules", "compile s", "peak MB", "bundle KB",
                "verify ms", "load ms", "agent heap MB", "agent JVM s");
        List<String> jsonLines = new ArrayList<>();
        for (int n : sizes) {
            var sources = RuleGenerator.generate(n);
            resetPeaks();
            long t0 = System.nanoTime();
            BundleBuilder.Output out = new BundleBuilder().build(sources, Map.of(), 1, key);
            double compileSeconds = (System.nanoTime() - t0) / 1e9;
            long peak = peakHeap();
            Path bundle = work.resolve("bench-" + n + ".bkb");
            Files.write(bundle, out.bundle());
            double[] verify = new double[loadRuns];
            double[] load = new double[loadRuns];
            double[] heap = new double[loadRuns];
            double[] wall = new double[loadRuns];
            for (int r = 0; r < loadRuns; r++) {
                long w0 = System.nanoTime();
                JsonNode m = measure(jar, lib, bundle, work.resolve("bench.pub"));
                wall[r] = (System.nanoTime() - w0) / 1e9;
                verify[r] = m.path("verifyMillis").asDouble();
                load[r] = m.path("loadMillis").asDouble();
                heap[r] = m.path("heapAfterLoadBytes").asDouble() / (1 << 20);
            }
            double verifyMs = median(verify);
            double loadMs = median(load);
            double heapMb = median(heap);
            double wallS = median(wall);
            System.out.printf("%8d %12.1f %12d %12d %12.0f %12.0f %14.1f %14.2f%n", n, compileSeconds, peak >> 20, out.bundle().length >> 10,
                    verifyMs, loadMs, heapMb, wallS);
            jsonLines.add(String.format("{\"rules\":%d,\"compileSeconds\":%.2f,\"compilePeakHeapMB\":%d,\"bundleBytes\":%d,\"verifyMillis\":%.1f,"
                    + "\"loadMillis\":%.1f,\"agentHeapAfterLoadMB\":%.1f,\"agentJvmSeconds\":%.2f}", n, compileSeconds, peak >> 20,
                    out.bundle().length, verifyMs, loadMs, heapMb, wallS));
        }
        jsonLines.forEach(System.out::println);
        return 0;
    }

    private JsonNode measure(Path jar, Path lib, Path bundle, Path pub) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + agentHeap,
                "-cp", jar + File.pathSeparator + lib + "/*", "dev.bulwark.agent.AgentMain", "bundle", "measure",
                "--public-key", pub.toString(), bundle.toString());
        // stderr to a file: reading two pipes one after the other can stall the child on the second
        Path errFile = bundle.resolveSibling(bundle.getFileName() + ".err");
        Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("agent measure failed: " + Files.readString(errFile, StandardCharsets.UTF_8));
        }
        return JSON.readTree(out);
    }

    private static Path findAgentJar(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            // the agent's own jar, not its test or source jars
            return s.filter(p -> p.getFileName().toString().matches("agent-.*\\.jar") && !p.getFileName().toString().matches(".*-(tests|sources)\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no agent jar in " + dir + "; build first (./mvnw -DskipTests verify) or pass --agent-jar"));
        }
    }

    private static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** Sum of the heap pools' peaks since the last reset: an upper bound of the live peak. */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
