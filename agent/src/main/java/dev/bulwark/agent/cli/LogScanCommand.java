package dev.bulwark.agent.cli;

import dev.bulwark.agent.loginspection.LogScanner;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.loginspection.decoder.LogLineDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark-agent logscan FILE...}: evaluates whole log files and prints the alerts. */
@Command(name = "logscan", mixinStandardHelpOptions = true,
        description = {"Decode log files and evaluate them with the knowledge base; print findings and verdicts.",
                "All files share one session, replayed in time order: correlation spans files. '-' reads standard input."})
final class LogScanCommand implements Callable<Integer> {

    @CommandLine.Mixin
    AgentCommand.StateOption state;
    @CommandLine.Mixin
    AgentCommand.KnowledgeBaseSource source;
    @Parameters(paramLabel = "FILE", arity = "1..*")
    List<String> files;
    @Option(names = "--json", description = "one JSON object per result")
    boolean json;
    @Option(names = "--host", paramLabel = "NAME", description = "host name for lines that carry none (web access logs, ...)")
    String host;
    @Option(names = "--ossec-alert-level", paramLabel = "N", defaultValue = "3",
            description = "report alerts of imported OSSEC/Wazuh rules from this level up (Wazuh's log_alert_level; default: ${DEFAULT-VALUE})")
    int ossecAlertLevel;
    @Option(names = "--quiet", description = "print only the summary (for measuring throughput)")
    boolean quiet;

    @Override
    public Integer call() throws IOException, AgentCommand.KnowledgeBaseUnavailable {
        LoadedKnowledgeBase kb = source.require(state.store());
        PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
        boolean tty = System.console() != null && !json && !quiet;
        long[] sizes = new long[files.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = files.get(i).equals("-") ? 0 : Files.size(Path.of(files.get(i)));
        }
        long total = Arrays.stream(sizes).sum();
        long started = System.nanoTime();
        long cpuStarted = cpuNanos();
        LogScanner.Stats stats;
        try (LogScanner scanner = new LogScanner(kb, new LogLineDecoder(), ossecAlertLevel, r -> {
            if (!quiet) {
                AgentCommand.print(out, r, json);
                out.flush();
            }
        })) {
            long done = 0;
            for (int i = 0; i < sizes.length; i++) {
                String f = files.get(i);
                long before = done;
                try (InputStream in = f.equals("-") ? System.in : Files.newInputStream(Path.of(f))) {
                    scanner.scan(in, f.equals("-") ? "stdin" : f, host, tty ? read -> progress(before + read, total, scanner.stats().lines(), started) : null);
                }
                done += sizes[i];
            }
            scanner.flush();
            stats = scanner.stats();
        }
        if (tty) {
            System.err.print("\r\033[K");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpu = (cpuNanos() - cpuStarted) / 1e9;
        System.err.printf("%,d lines (%,d decoded, %,d cut), %,.1f MB in %.2f s (%.2f s CPU): %,.0f lines/s, %,.0f lines per CPU-second; %,d findings, %,d verdicts%s%n",
                stats.lines(), stats.decoded(), stats.truncated(), stats.bytes() / 1e6, seconds, cpu, stats.lines() / Math.max(seconds, 1e-9),
                stats.lines() / Math.max(cpu, 1e-9), stats.findings(), stats.verdicts(),
                stats.ruleFailures() == 0 ? "" : String.format(", %,d rule failures (see above)", stats.ruleFailures()));
        return stats.findings() + stats.verdicts() > 0 ? ExitCodes.RESULTS : ExitCodes.OK;
    }

    private static long cpuNanos() {
        var bean = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return bean instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    private static void progress(long read, long total, long lines, long started) {
        double secs = (System.nanoTime() - started) / 1e9;
        System.err.printf("\r%s%,d lines %,.0f lines/s", ProgressBar.bar(read, total), lines, lines / Math.max(secs, 1e-9));
    }
}
