package dev.bulwark.agent.cli;

import dev.bulwark.agent.antimalware.FileScanner;
import dev.bulwark.agent.antimalware.MalwareResponder;
import dev.bulwark.agent.antimalware.OnAccessScanner;
import dev.bulwark.agent.antimalware.QuarantineStore;
import dev.bulwark.agent.antimalware.ScanDecisions;
import dev.bulwark.agent.antimalware.ScanOutcome;
import dev.bulwark.agent.antimalware.SignatureDatabase;
import dev.bulwark.agent.linux.NativeFiles.NativeFileException;
import dev.bulwark.agent.store.AgentStateStore;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark-agent onaccess}: real-time scanning of some trees, in the foreground. */
@Command(name = "onaccess", mixinStandardHelpOptions = true,
        description = {"Scan files under PATHs as they are written (fanotify, as root), and with --deny hold every open until",
                "it is known clean: a detected file's open fails with EPERM. Runs until SIGTERM/SIGINT or --for seconds.",
                "Under 'bulwark-agent run' the policy's antimalware.onAccess settings do the same."},
        footer = {"", "Exit codes: 0 stopped, 3 bundle refused, 4 state error or fanotify unavailable (not root), 64 usage."})
final class OnAccessCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin
    AgentCommand.StateOption state;
    @CommandLine.Mixin
    AgentCommand.KnowledgeBaseSource source;
    @CommandLine.Mixin
    ScanCommand.SignatureOptions signatures;
    @Parameters(paramLabel = "PATH", arity = "1..*", description = "trees to watch")
    List<Path> paths;
    @Option(names = "--deny", description = "hold opens until scanned; deny the open of a detected file")
    boolean deny;
    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "5000", description = "allow an open unscanned after this long (fail open, reported); default ${DEFAULT-VALUE}")
    long timeoutMs;
    @Option(names = "--report-only", description = "carry out no verdict (quarantine, delete); --deny still denies")
    boolean reportOnly;
    @Option(names = "--for", paramLabel = "SECONDS", description = "stop after this long (default: until signalled)")
    Long seconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (timeoutMs < 10 || timeoutMs > 600_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be between 10 and 600000 ms");
        }
        AgentStateStore store = state.store();
        LoadedKnowledgeBase kb = source.require(store);
        SignatureDatabase db = signatures.load(kb, err);
        if (db == null) {
            return ExitCodes.STATE_ERROR;
        }
        FileScanner scanner = new FileScanner(db, signatures.limits());
        MalwareResponder responder = new MalwareResponder(new ScanDecisions(kb), new QuarantineStore(store.root()), reportOnly);
        OnAccessScanner.Config config = new OnAccessScanner.Config(paths.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList(),
                deny, Duration.ofMillis(timeoutMs), List.of(store.root().toAbsolutePath().normalize().toString()),
                Runtime.getRuntime().availableProcessors());
        OnAccessScanner.Listener listener = new OnAccessScanner.Listener() {
            @Override
            public void outcome(ScanOutcome o, String process) {
                synchronized (out) {
                    o.result().detections().forEach(d -> out.println((d.innerPath() == null ? d.path() : d.path() + "!" + d.innerPath()) + ": "
                            + d.signatureName() + " FOUND on access by " + process + " ("
                            + o.action().name().toLowerCase(java.util.Locale.ROOT) + (o.decision().ruleId() == null ? "" : " by " + o.decision().ruleId())
                            + (o.quarantineId() != null ? ", quarantined as " + o.quarantineId() : "")
                            + (o.failure() != null ? ", not done: " + o.failure() : "") + ")"));
                    out.flush();
                }
            }

            @Override
            public void problem(String kind, String detail) {
                synchronized (out) {
                    err.println(kind + ": " + detail);
                    err.flush();
                }
            }
        };
        OnAccessScanner s;
        try {
            s = OnAccessScanner.start(config, scanner, responder, listener);
        } catch (NativeFileException e) {
            err.println("on-access scanning needs fanotify (root, CAP_SYS_ADMIN): " + e.getMessage());
            return ExitCodes.STATE_ERROR;
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown(); // on SIGTERM: let the main thread allow what is pending, close the group and report
            try {
                closed.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        err.println("watching " + config.paths() + (deny ? ", denying detected opens" : "") + "; ready");
        err.flush();
        try {
            if (seconds == null) {
                stop.await();
            } else {
                stop.await(seconds, TimeUnit.SECONDS);
            }
        } finally {
            s.close();
            err.printf("stopped: %d files scanned, %d cache hits, %d opens allowed unscanned%n", s.scanned(), s.cacheHits(), s.failedOpen());
            err.flush();
            closed.countDown();
        }
        return ExitCodes.OK;
    }
}
