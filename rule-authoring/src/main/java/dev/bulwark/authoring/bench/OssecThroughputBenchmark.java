package dev.bulwark.authoring.bench;

import dev.bulwark.authoring.ossec.CompiledOssecRuleset;
import dev.bulwark.authoring.ossec.OssecTester;
import dev.bulwark.engine.build.RuleBuildException;
import dev.bulwark.engine.bundle.BundleRejectedException;
import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bulwark-rules bench-ossec}: events per second through an imported OSSEC/Wazuh ruleset, on
 * one thread: pre-decoding, decoding, the rule walk in Drools, correlation and alerts, one session
 * kept across the whole file as an agent keeps it. Prints, never asserts. Import and compile are
 * timed apart; a warm-up over all the files in turn runs before the measured passes.
 */
@Command(name = "bench-ossec", mixinStandardHelpOptions = true,
        description = "Throughput of an imported OSSEC/Wazuh ruleset on log files (one thread; run under taskset for one core).")
public final class OssecThroughputBenchmark implements Callable<Integer> {

    @Option(names = "--ossec-ruleset", paramLabel = "DIR", required = true, description = "ruleset tree(s) to import, in load order")
    List<Path> trees = new ArrayList<>();
    @Option(names = "--warmup", paramLabel = "LINES", defaultValue = "200000", description = "lines run before measuring, taken from all files in turn (default: ${DEFAULT-VALUE})")
    int warmup;
    @Option(names = "--every", paramLabel = "LINES", defaultValue = "0",
            description = "also print the rate of each run of this many lines, to see whether a long session slows down (0: off)")
    int every;
    @Parameters(paramLabel = "FILE", arity = "1..*", description = "log files, one event per line")
    List<Path> files = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        long t0 = System.nanoTime();
        CompiledOssecRuleset rs = CompiledOssecRuleset.read(trees);
        long t1 = System.nanoTime();
        LoadedKnowledgeBase kb;
        try {
            kb = KnowledgeBaseLoader.load(rs.compile(), null);
        } catch (RuleBuildException | BundleRejectedException e) {
            System.err.println("import did not compile: " + e.getMessage());
            return 2;
        }
        long t2 = System.nanoTime();
        System.out.printf("ruleset: %d rules imported (%d left out), %d decoders; import %.1f s, compile+load %.1f s%n",
                rs.imported().rulesImported(), rs.imported().rulesLeftOut(), rs.decoders().size(), (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<List<String>> contents = new ArrayList<>();
        for (Path f : files) {
            contents.add(Files.readAllLines(f, StandardCharsets.UTF_8));
        }
        // warm up on every file in turn, so no file's decoders and rules are measured cold
        List<List<String>> nonEmpty = contents.stream().filter(c -> !c.isEmpty()).toList();
        try (OssecTester warm = new OssecTester(kb, rs.decoders(), "bench")) {
            for (int i = 0; i < warmup && !nonEmpty.isEmpty(); i++) {
                List<String> c = nonEmpty.get(i % nonEmpty.size());
                warm.test(c.get((i / nonEmpty.size()) % c.size()));
            }
        }
        for (int n = 0; n < files.size(); n++) {
            Path f = files.get(n);
            List<String> lines = contents.get(n);
            long alerts = 0;
            long decoded = 0;
            try (OssecTester tester = new OssecTester(kb, rs.decoders(), f.toString())) {
                long cpu0 = threads.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                long chunkCpu = cpu0;
                long chunkWall = w0;
                int done = 0;
                for (String line : lines) {
                    if (every > 0 && done > 0 && done % every == 0) {
                        long c = threads.getCurrentThreadCpuTime();
                        long w = System.nanoTime();
                        System.out.printf("    lines %,d-%,d: %,.0f events/s, %,.0f per CPU-second%n", done - every + 1, done,
                                every / ((w - chunkWall) / 1e9), every / ((c - chunkCpu) / 1e9));
                        chunkCpu = c;
                        chunkWall = w;
                    }
                    done++;
                    OssecTester.Outcome o = tester.test(line);
                    if (o.event().decoder() != null) {
                        decoded++;
                    }
                    if (o.alert() != null && o.level() != null && o.level() > 0) {
                        alerts++;
                    }
                }
                double wall = (System.nanoTime() - w0) / 1e9;
                double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
                System.out.printf("  %s: %,d lines (%,d decoded, %,d alerts of level 1+) in %.2f s (%.2f s CPU): %,.0f events/s, %,.0f per CPU-second%n",
                        f.getFileName(), lines.size(), decoded, alerts, wall, cpu, lines.size() / wall, lines.size() / cpu);
            }
        }
        return 0;
    }
}
