package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.integrity.BaselineFile;
import dev.bulwark.agent.integrity.ChangeRating;
import dev.bulwark.agent.integrity.IntegrityScan;
import dev.bulwark.agent.integrity.MonitorPlan;
import dev.bulwark.agent.integrity.PackageManagerEvidence;
import dev.bulwark.agent.integrity.RawPaths;
import dev.bulwark.agent.report.EventSink;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.integrity.FileAttribute;
import dev.bulwark.engine.integrity.MonitorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Integrity monitoring under {@code bulwark-agent run}: what the knowledge base's integrity rules
 * declare ({@code @monitor}) and the trees the policy adds ({@code integrity.paths}), checked on a schedule ({@code integrity.intervalMinutes}) in a thread
 * of their own, one hashing thread so the host keeps its CPU. The first pass builds the baseline
 * (in the same place as {@code bulwark-agent fim}) and reports nothing; later passes rate every
 * change with the knowledge base's integrity rules, mark package-manager changes expected, send
 * the changes through the {@code integrity} spool and keep the baseline following. A
 * {@code rebuild-baseline} command takes the current state as the new baseline without reporting.
 */
final class IntegrityModule implements AutoCloseable {
    private final Path storeDir;
    private final List<String> paths;
    private final LoadedKnowledgeBase kb;
    private final EventSink sink;
    private final long intervalMillis;
    private final boolean ruleDeclared;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("bulwark-integrity").daemon(true).unstarted(r));
    private Future<?> running;
    private long nextPass;
    private volatile String lastSummary = "";
    private volatile long baselineEntries = -1;
    private volatile long lastPassEpochSeconds = -1;
    private volatile long lastChanges = -1;
    private volatile long lastPassFailed;

    IntegrityModule(Path storeDir, List<String> paths, boolean ruleDeclared, LoadedKnowledgeBase kb, EventSink sink, Duration interval) {
        this.ruleDeclared = ruleDeclared;
        this.storeDir = storeDir;
        this.paths = List.copyOf(paths);
        this.kb = kb;
        this.sink = sink;
        this.intervalMillis = interval.toMillis();
    }

    /** What the knowledge base's integrity rules declare ({@code @monitor}), plus the policy's own trees. */
    MonitorPlan plan() {
        List<MonitorSpec> specs = new ArrayList<>(ruleDeclared ? kb.monitorSpecs() : List.of());
        for (String p : paths) {
            String abs = RawPaths.display(RawPaths.of(p));
            specs.add(new MonitorSpec("policy:" + abs, List.of(abs), List.of(), FileAttribute.parse("STANDARD"), -1, false));
        }
        return new MonitorPlan(specs);
    }

    /** Starts a pass when one is due and none is running; never blocks the caller. */
    void pollOnce() {
        long now = System.currentTimeMillis();
        if (now < nextPass || running != null && !running.isDone()) {
            return;
        }
        nextPass = now + intervalMillis;
        running = worker.submit(() -> {
            try {
                pass(false);
            } catch (IOException | RuntimeException e) {
                lastPassFailed = 1;
                lastPassEpochSeconds = System.currentTimeMillis() / 1000;
                lastSummary = "integrity pass failed: " + e.getMessage();
                System.err.println(lastSummary);
            }
        });
    }

    /** Rebuilds the baseline now (the {@code rebuild-baseline} command): waits for a running pass, reports nothing. */
    String rebuild() throws Exception {
        Future<?> f = worker.submit(() -> {
            pass(true);
            return null;
        });
        f.get(1, TimeUnit.HOURS);
        return lastSummary;
    }

    private void pass(boolean rebuild) throws IOException {
        Files.createDirectories(storeDir);
        Path baseline = storeDir.resolve(FimCommand.BASELINE_FILE);
        MonitorPlan plan = plan();
        ChangeRating rating = new ChangeRating(() -> kb);
        List<IntegrityScan.Change> batch = new ArrayList<>();
        IntegrityScan.Listener listener = batch::add;
        Runnable flush = () -> {
            if (batch.isEmpty()) {
                return;
            }
            List<ObjectNode> events = new ArrayList<>();
            for (ChangeRating.Rated<IntegrityScan.Change> r : rating.rate(batch, IntegrityScan.Change::fact)) {
                events.add(FimCommand.json(r));
            }
            batch.clear();
            try {
                sink.append(events);
                sink.commit();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        BaselineFile.Reader old = !rebuild && Files.exists(baseline) ? new BaselineFile.Reader(baseline) : null;
        try {
            IntegrityScan scan = new IntegrityScan(plan, 1, PackageManagerEvidence.system(FimCommand.maintenanceUntil(storeDir)));
            IntegrityScan.Summary s = FimCommand.runFilePass(baseline, old, plan, scan, true, p -> true, null,
                    old == null ? c -> { } : listener, flush);
            lastSummary = String.format("%s %,d entries in %.1f s%s", old == null ? "integrity baseline of" : "integrity check of", s.entries(),
                    s.nanos() / 1e9, old == null ? "" : String.format(": %,d changes", s.changes()));
            baselineEntries = s.entries();
            lastChanges = old == null ? 0 : s.changes();
            lastPassFailed = 0;
            lastPassEpochSeconds = System.currentTimeMillis() / 1000;
            System.err.println(lastSummary);
        } finally {
            if (old != null) {
                old.close();
            }
        }
    }

    /**
     * The baseline's state for the heartbeat: entries, when the last pass ended (epoch seconds), its
     * changes and whether it failed, and the trees the policy names; absent until a first pass.
     */
    Map<String, Long> state() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("integrity.paths", (long) paths.size());
        if (lastPassEpochSeconds >= 0) {
            m.put("integrity.lastPass", lastPassEpochSeconds);
            m.put("integrity.lastPassFailed", lastPassFailed);
        }
        if (baselineEntries >= 0) {
            m.put("integrity.baselineEntries", baselineEntries);
            m.put("integrity.lastChanges", lastChanges);
        }
        return m;
    }

    @Override
    public void close() throws InterruptedException {
        worker.shutdownNow();
        worker.awaitTermination(30, TimeUnit.SECONDS);
    }
}
