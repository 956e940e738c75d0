package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.antimalware.Detection;
import dev.bulwark.agent.antimalware.FileScanResult;
import dev.bulwark.agent.antimalware.FileScanner;
import dev.bulwark.agent.antimalware.MalwareResponder;
import dev.bulwark.agent.antimalware.QuarantineStore;
import dev.bulwark.agent.antimalware.ReputationCache;
import dev.bulwark.agent.uplink.AgentIdentity;
import dev.bulwark.agent.uplink.ManagerClient;
import dev.bulwark.agent.antimalware.ScanDecisions;
import dev.bulwark.agent.antimalware.ScanLimits;
import dev.bulwark.agent.antimalware.ScanNotice;
import dev.bulwark.agent.antimalware.ScanOutcome;
import dev.bulwark.agent.antimalware.ScanTree;
import dev.bulwark.agent.antimalware.SignatureDatabase;
import dev.bulwark.agent.store.AgentStateStore;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark-agent scan}: an on-demand anti-malware scan. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Scan files and directories for malware with the knowledge base's signatures and rules.",
                "Signatures: the bundle's data/antimalware files plus every --signatures file (ClamAV .hdb/.hsb/.ndb layouts).",
                "The rules decide per detection: quarantine, delete, deny access or log only; --report-only changes nothing."},
        footer = {"", "Exit codes: 0 nothing found, 1 malware found, 2 some files could not be scanned (nothing found in the rest),",
                "3 bundle refused, 4 state error or unreadable signature file, 64 usage."})
final class ScanCommand implements Callable<Integer> {

    private static final byte[] DONE = new byte[0];

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin
    AgentCommand.StateOption state;
    @CommandLine.Mixin
    AgentCommand.KnowledgeBaseSource source;
    @Parameters(paramLabel = "PATH", arity = "1..*", description = "files or directories to scan (symlinks are not followed)")
    List<String> paths;
    @CommandLine.Mixin
    SignatureOptions signatures;
    @Option(names = "--json", description = "one JSON object per detection on stdout")
    boolean json;
    @Option(names = "--report-only", description = "carry out no verdict: report what the rules decided")
    boolean reportOnly;
    @Option(names = "--reputation", paramLabel = "MODE",
            description = "ask the manager about executables no signature matched: manager, or local-only (nothing sent);"
                    + " default: manager when this agent is enrolled")
    String reputationMode;
    @Option(names = "--threads", paramLabel = "N", description = "files scanned at once (default: the number of CPUs)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AgentStateStore store = state.store();
        LoadedKnowledgeBase kb = source.require(store);
        SignatureDatabase db = signatures.load(kb, err);
        if (db == null) {
            return ExitCodes.STATE_ERROR;
        }
        if (threads < 1 || threads > 64) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be between 1 and 64");
        }
        ScanLimits limits = signatures.limits();
        FileScanner scanner = new FileScanner(db, limits);
        ReputationCache reputation = reputation(store, err);
        List<FileScanResult> unknown = new ArrayList<>();
        QuarantineStore quarantine = new QuarantineStore(store.root());
        MalwareResponder responder = new MalwareResponder(new ScanDecisions(kb), quarantine, reportOnly);
        ScanTree tree = new ScanTree(List.of(store.root().toAbsolutePath().toString()));

        boolean terminal = System.console() != null && !json;
        AtomicLong files = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong infected = new AtomicLong();
        AtomicLong unscanned = new AtomicLong();
        long started = System.nanoTime();
        BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(1024);
        Object lock = new Object();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            workers.add(Thread.ofPlatform().name("scan-" + i).start(() -> {
                try {
                    byte[] p;
                    while ((p = queue.take()) != DONE) {
                        FileScanResult r = scanner.scan(p, reputation != null);
                        files.incrementAndGet();
                        bytes.addAndGet(r.bytesScanned());
                        if (reputation != null && !r.infected() && r.sha256() != null) {
                            List<FileScanResult> batch = null;
                            synchronized (unknown) {
                                unknown.add(r);
                                if (unknown.size() >= 500) {
                                    batch = new ArrayList<>(unknown);
                                    unknown.clear();
                                }
                            }
                            if (batch != null) {
                                for (FileScanResult x : reputation.apply(batch)) {
                                    if (x.infected()) {
                                        infected.incrementAndGet();
                                        synchronized (lock) {
                                            report(responder.respond(x, "on-demand", null), out, err);
                                        }
                                    }
                                }
                            }
                        }
                        ScanOutcome o = responder.respond(r, "on-demand", null);
                        synchronized (lock) {
                            if (terminal) {
                                err.print("\r\033[K");
                            }
                            report(o, out, err);
                            if (r.infected()) {
                                infected.incrementAndGet();
                            }
                            if (r.notices().stream().anyMatch(n -> n.kind() == ScanNotice.Kind.UNREADABLE || n.kind() == ScanNotice.Kind.TOO_LARGE)) {
                                unscanned.incrementAndGet();
                            }
                            if (terminal) {
                                err.printf("\r%d files, %.1f MB, %d infected: %s", files.get(), bytes.get() / 1e6, infected.get(),
                                        shorten(r.path()));
                                err.flush();
                            }
                        }
                    }
                    queue.put(DONE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (String root : paths) {
            tree.walk(Path.of(root).toAbsolutePath().normalize().toString(), p -> {
                try {
                    queue.put(p);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, n -> {
                synchronized (lock) {
                    err.println(n.where() + ": " + n.kind() + ": " + n.detail());
                    unscanned.incrementAndGet();
                }
            });
        }
        queue.put(DONE);
        for (Thread t : workers) {
            t.join();
        }
        if (reputation != null) {
            for (FileScanResult x : reputation.apply(unknown)) {
                if (x.infected()) {
                    infected.incrementAndGet();
                    report(responder.respond(x, "on-demand", null), out, err);
                }
            }
            err.printf("reputation: %s, %d hashes asked%s%n", reputation.localOnly() ? "local-only" : "manager", reputation.asked(),
                    reputation.failures() > 0 ? ", manager unreachable (" + reputation.lastFailure() + "): misses counted as unknown" : "");
        }
        out.flush();
        double seconds = (System.nanoTime() - started) / 1e9;
        if (terminal) {
            err.print("\r\033[K");
        }
        err.printf("scanned %d files, %.1f MB in %.1f s: %d infected, %d not scanned%n", files.get(), bytes.get() / 1e6, seconds,
                infected.get(), unscanned.get());
        err.flush();
        return infected.get() > 0 ? ExitCodes.RESULTS : unscanned.get() > 0 ? ExitCodes.BAD_INPUT : ExitCodes.OK;
    }

    /** The reputation cache this scan uses, or null when nothing is to be asked (local-only, not enrolled). */
    private ReputationCache reputation(AgentStateStore store, PrintWriter err) throws java.io.IOException {
        String mode = reputationMode;
        java.util.Optional<AgentIdentity> identity = AgentIdentity.load(store.root());
        if (mode == null) {
            mode = identity.isPresent() ? "manager" : "local-only";
        }
        switch (mode) {
            case "local-only" -> {
                return null;
            }
            case "manager" -> {
                if (identity.isEmpty()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--reputation manager needs an enrolled agent ('bulwark-agent enroll')");
                }
                ManagerClient client = new ManagerClient(identity.get(), java.time.Clock.systemUTC());
                return new ReputationCache(store.root(), hashes -> client.reputation(hashes).stream()
                        .map(a -> new ReputationCache.Answer(a.sha256(), a.verdict(), a.name())).toList(), java.time.Clock.systemUTC());
            }
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--reputation is manager or local-only, not " + mode);
        }
    }

    private static String shorten(String p) {
        return p.length() <= 60 ? p : "..." + p.substring(p.length() - 57);
    }

    private void report(ScanOutcome o, PrintWriter out, PrintWriter err) {
        FileScanResult r = o.result();
        for (ScanNotice n : r.notices()) {
            err.println(n.where() + ": " + n.kind() + ": " + n.detail());
        }
        for (Detection d : r.detections()) {
            if (json) {
                ObjectNode j = JsonNodeFactory.instance.objectNode();
                j.put("path", d.path());
                j.put("innerPath", d.innerPath());
                j.put("signature", d.signatureName());
                j.put("kind", d.kind());
                j.put("family", d.family());
                j.put("sha256", d.sha256());
                j.put("verdict", o.action().name().toLowerCase(java.util.Locale.ROOT));
                j.put("ruleId", o.decision().ruleId());
                j.put("reason", o.decision().reason());
                j.put("applied", o.applied());
                if (o.quarantineId() != null) {
                    j.put("quarantineId", o.quarantineId());
                }
                if (o.failure() != null) {
                    j.put("failure", o.failure());
                }
                out.println(j.toString());
            } else {
                out.println((d.innerPath() == null ? d.path() : d.path() + "!" + d.innerPath()) + ": " + d.signatureName() + " FOUND ("
                        + o.action().name().toLowerCase(java.util.Locale.ROOT) + (o.decision().ruleId() == null ? "" : " by " + o.decision().ruleId())
                        + (o.quarantineId() != null ? ", quarantined as " + o.quarantineId() : "")
                        + (o.failure() != null ? ", not done: " + o.failure() : "") + ")");
            }
        }
    }

    /** Where scans take signatures from and how far they open files; shared with {@code onaccess}. */
    static class SignatureOptions {
        @Option(names = "--signatures", paramLabel = "FILE", description = "also use this signature file (.hdb, .hsb, .ndb; repeatable)")
        List<Path> files = new ArrayList<>();
        @Option(names = "--show-problems", description = "list every signature line that did not load")
        boolean showProblems;
        @Option(names = "--max-file-size", paramLabel = "MB", defaultValue = "1024", description = "skip (and report) larger files; default ${DEFAULT-VALUE}")
        long maxFileMb;

        /** The bundle's signature data and every --signatures file, or null (said on {@code err}) when a file cannot be read. */
        SignatureDatabase load(LoadedKnowledgeBase kb, PrintWriter err) {
            SignatureDatabase db = new SignatureDatabase().addBundleData(kb.dataFiles("antimalware/"));
            for (Path f : files) {
                try {
                    db.addFile(f);
                } catch (SignatureDatabase.SignatureFileException e) {
                    err.println(e.getMessage());
                    return null;
                }
            }
            List<SignatureDatabase.Problem> problems = db.problems();
            err.printf("signatures: %d hash, %d content from %d files%s%n", db.hashes().size(), db.contentSignatures(), db.sources().size(),
                    problems.isEmpty() ? "" : "; " + problems.size() + " lines not loaded" + (showProblems ? ":" : " (--show-problems lists them)"));
            if (showProblems) {
                problems.forEach(p -> err.println("  " + p));
            }
            err.flush();
            return db;
        }

        ScanLimits limits() {
            if (maxFileMb < 1 || maxFileMb > 2047) {
                throw new IllegalArgumentException("--max-file-size must be between 1 and 2047 MB");
            }
            ScanLimits d = ScanLimits.DEFAULT;
            return new ScanLimits(maxFileMb << 20, d.maxDepth(), d.maxEntries(), d.maxEntryBytes(), d.maxTotalBytes(), d.maxRatio());
        }
    }
}
