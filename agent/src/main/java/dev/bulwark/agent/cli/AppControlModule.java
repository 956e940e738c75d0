package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.appcontrol.AppControlState;
import dev.bulwark.agent.appcontrol.DecisionWatch;
import dev.bulwark.agent.appcontrol.ExecEnforcer;
import dev.bulwark.agent.appcontrol.ExecInventory;
import dev.bulwark.agent.appcontrol.InventoryBuilder;
import dev.bulwark.agent.appcontrol.MaintenanceWindow;
import dev.bulwark.agent.linux.NativeFiles.NativeFileException;
import dev.bulwark.agent.protocol.PolicySettings;
import dev.bulwark.agent.report.ResultJson;
import dev.bulwark.agent.report.RuleSwitchSink;
import dev.bulwark.agent.spool.EventSpool;
import dev.bulwark.engine.Finding;
import dev.bulwark.engine.appcontrol.ExecRequest;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Application control under {@code bulwark-agent run}. With {@code appcontrol.enabled} the module
 * makes sure an inventory exists (built in the background, of {@code appcontrol.inventoryRoots},
 * the first time), then enforces with {@link ExecEnforcer}: {@code appcontrol.mode} {@code detect}
 * allows and reports unrecognised software, {@code prevent} blocks it. Only execs under
 * {@code appcontrol.scope} are decided; the agent's own Java, the kernel's helpers, init and
 * {@code appcontrol.alwaysAllow} are never held; an exec undecided after
 * {@code appcontrol.timeoutMs} is allowed, or denied with {@code appcontrol.failClosed}.
 *
 * <p>Admin approvals and blocks (from the manager's commands or {@code bulwark-agent appcontrol})
 * and maintenance windows are picked up at the next poll. Every finding (unrecognised, changed,
 * blocked, admitted in maintenance) goes to the {@code appcontrol} spool with what was decided; a
 * problem (answered late, fanotify trouble) is reported once per kind and minute with a count. The
 * poll is also the watchdog: an enforcer whose threads died or whose decision is stuck is replaced
 * and the restart reported.
 */
final class AppControlModule implements AutoCloseable {
    /** Never held, whatever the policy says: without them the host cannot boot, load modules or be repaired. */
    static final List<String> RECOVERY = List.of("/usr/lib/systemd", "/lib/systemd", "/sbin/init", "/usr/sbin/modprobe", "/sbin/modprobe",
            "/usr/sbin/sulogin", "/sbin/sulogin");
    private static final int QUEUE = 10_000;

    /** What enforcement never holds: the agent's own Java, the recovery paths, and these. */
    static List<String> neverHeld(List<String> extra) {
        List<String> allow = new ArrayList<>();
        allow.add(System.getProperty("java.home"));
        allow.addAll(RECOVERY);
        allow.addAll(extra);
        return allow;
    }
    private static final long PROBLEM_WINDOW_MS = 60_000;

    private final Path dir;
    private final Path inventoryFile;
    private final LoadedKnowledgeBase kb;
    private final EventSpool spool;
    private final ExecEnforcer.Config config;
    private final List<String> inventoryRoots;
    private final java.util.Set<String> rulesOff;
    private final BlockingQueue<ObjectNode> events = new ArrayBlockingQueue<>(QUEUE);
    private final Map<String, long[]> problems = new LinkedHashMap<>(); // kind -> {window start, suppressed}
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    /** The inventory build of this agent process, if one runs. */
    private static final AtomicReference<Thread> BUILD = new AtomicReference<>();
    private ExecInventory inventory;
    private Object inventoryStamp;
    private final DecisionWatch decisions;
    private volatile ExecEnforcer enforcer;
    private long nextStartAttempt;

    AppControlModule(Path stateRoot, LoadedKnowledgeBase kb, Map<String, String> settings, EventSpool spool) {
        this.dir = stateRoot.resolve("appcontrol");
        this.inventoryFile = dir.resolve(ExecInventory.FILE);
        this.decisions = new DecisionWatch(dir);
        this.kb = kb;
        this.spool = spool;
        this.rulesOff = RuleSwitchSink.switchedOff(settings);
        List<String> allow = neverHeld(PolicySettings.paths(settings.get("appcontrol.alwaysAllow")));
        List<String> scope = PolicySettings.paths(settings.getOrDefault("appcontrol.scope", "/"));
        // at least two deciding threads: one may be rereading the package databases with rpm, whose own exec the other decides
        this.config = new ExecEnforcer.Config(scope.isEmpty() ? List.of("/") : scope, "prevent".equals(settings.get("appcontrol.mode")) ? "block" : "detect",
                Duration.ofMillis(Long.parseLong(settings.getOrDefault("appcontrol.timeoutMs", "2000"))),
                Boolean.parseBoolean(settings.get("appcontrol.failClosed")), allow, Math.max(2, Runtime.getRuntime().availableProcessors()), rulesOff,
                dev.bulwark.agent.packages.PackageFiles.Source.host(), Boolean.parseBoolean(settings.get("appcontrol.trustPackages")));
        List<String> roots = PolicySettings.paths(settings.getOrDefault("appcontrol.inventoryRoots", "/"));
        this.inventoryRoots = roots.isEmpty() ? List.of("/") : roots;
        if (!Files.exists(inventoryFile) && BUILD.get() == null) {
            startBuild(dir, inventoryRoots, spool);
        }
    }

    /**
     * The inventory is the allowlist: without one nothing could be told apart, so it is built before
     * enforcing, once per agent process (a policy change while it runs does not start another), in a
     * thread that leaves the host half its CPUs. It is saved whole; the module in force then loads it.
     */
    private static void startBuild(Path dir, List<String> roots, EventSpool spool) {
        Thread t = Thread.ofPlatform().name("bulwark-appcontrol-inventory").daemon(true).unstarted(() -> {
            ObjectNode report;
            try {
                ExecInventory inv = new ExecInventory();
                InventoryBuilder.Stats s = new InventoryBuilder(List.of(dir.getParent().toAbsolutePath().normalize().toString()),
                        dev.bulwark.agent.packages.PackageFiles.Source.host())
                        .build(roots, inv, Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
                Files.createDirectories(dir);
                inv.save(dir.resolve(ExecInventory.FILE));
                report = ResultJson.MAPPER.createObjectNode().put("kind", "inventory-built").put("module", "appcontrol").put("severity", "info")
                        .put("executables", s.executables()).put("files", s.files()).put("packageMismatches", s.mismatches())
                        .put("unreadable", s.unreadable()).put("seconds", s.seconds())
                        .put("message", "application control inventory of " + roots + ": " + s.executables() + " executables, "
                                + s.mismatches() + " differ from their package's record, " + s.unreadable() + " unreadable, in "
                                + Math.round(s.seconds()) + " s");
            } catch (IOException | RuntimeException e) {
                report = problemEvent("inventory", "medium", "building the inventory of " + roots + " failed: " + e
                        + "; application control does not enforce until 'bulwark-agent appcontrol inventory' builds one", 0);
            } finally {
                BUILD.set(null);
            }
            try {
                spool.appendCommitted(List.of(report));
            } catch (IOException e) {
                System.err.println("application control: " + report.path("message").asText() + " (not spooled: " + e.getMessage() + ")");
            }
        });
        if (BUILD.compareAndSet(null, t)) {
            t.start();
        }
    }

    /** Loads the inventory once it exists; a damaged one is reported once and waits for a rebuild. */
    private void loadInventory() {
        Object stamp = AppControlState.stamp(inventoryFile);
        if (stamp == null || BUILD.get() != null || stamp.equals(inventoryStamp)) {
            return;
        }
        inventoryStamp = stamp;
        try {
            inventory = ExecInventory.load(inventoryFile);
        } catch (IOException e) {
            problem("inventory", "the inventory " + inventoryFile + " does not read (" + e.getMessage()
                    + "); application control waits until 'bulwark-agent appcontrol inventory' rebuilds it");
        }
    }

    /** Starts enforcing once the inventory exists, picks up admin decisions and windows, restarts a broken enforcer, and spools what happened. */
    void pollOnce() {
        try {
            ExecEnforcer e = enforcer;
            if (inventory == null) {
                loadInventory();
            }
            if (e == null && inventory != null && System.currentTimeMillis() >= nextStartAttempt) {
                start(false);
            } else if (e != null) {
                String why = e.unhealthy();
                if (why != null) {
                    problem("restart", "enforcement restarted: " + why);
                    e.close();
                    enforcer = null;
                    restarts.incrementAndGet();
                    start(true);
                } else if (refreshDecisions()) {
                    e.invalidate();
                }
            }
        } finally {
            flushProblemCounts();
            drain();
        }
    }

    private void start(boolean restart) {
        try {
            refreshDecisions();
            enforcer = ExecEnforcer.start(config, kb, inventory, decisions::current, inventoryFile, new MaintenanceWindow(dir), new ExecEnforcer.Listener() {
                @Override
                public void decided(ExecRequest r, boolean allowed, String ruleId, String reason, List<Finding> findings) {
                    for (Finding f : findings) {
                        queue(ResultJson.of(f).put("verdict", allowed ? "allowed" : "blocked").put("reason", reason).put("decidedBy", ruleId)
                                .put("enforcement", config.mode()).put("pid", r.pid()));
                    }
                }

                @Override
                public void problem(String kind, String detail) {
                    AppControlModule.this.problem(kind, detail);
                }
            });
            if (!restart) {
                System.err.printf("application control: %s execs under %s with %d inventoried executables and knowledge base %d%n",
                        config.mode().equals("block") ? "blocking unrecognised" : "reporting unrecognised", config.scope(), inventory.size(), kb.version());
            }
        } catch (NativeFileException e) {
            nextStartAttempt = System.currentTimeMillis() + 60_000;
            problem("fanotify", "application control cannot enforce (root and Linux 5.0+ with fanotify are needed): " + e.getMessage()
                    + "; retrying in a minute");
        }
    }

    /** The decisions watch, read again when changed; a file that does not read is reported once per change. */
    private boolean refreshDecisions() {
        try {
            return decisions.refresh();
        } catch (IOException e) {
            problem("decisions", "the admin decisions do not read (" + e.getMessage() + "); the previous ones stay in force");
            return false;
        }
    }

    /** From the deciding threads: never blocks an exec on the disk; a full queue counts what it drops. */
    private void queue(ObjectNode event) {
        if (!rulesOff.contains(event.path("ruleId").asText("")) && !events.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    /** Reports the count of problems held back in windows that have closed, so a burst is never under-reported. */
    private void flushProblemCounts() {
        long now = System.currentTimeMillis();
        List<Map.Entry<String, Long>> held = new ArrayList<>();
        synchronized (problems) {
            for (Map.Entry<String, long[]> e : problems.entrySet()) {
                long[] w = e.getValue();
                if (w[1] > 0 && now - w[0] >= PROBLEM_WINDOW_MS) {
                    held.add(Map.entry(e.getKey(), w[1]));
                    w[1] = 0;
                }
            }
        }
        for (Map.Entry<String, Long> h : held) {
            queue(problemEvent(h.getKey(), h.getValue() + " more " + h.getKey() + " problems in the minute after the one reported", h.getValue()));
        }
    }

    private static ObjectNode problemEvent(String kind, String message, long suppressed) {
        return problemEvent(kind, kind.startsWith("fail-") || kind.equals("restart") || kind.equals("overflow") ? "medium" : "low", message, suppressed);
    }

    private static ObjectNode problemEvent(String kind, String severity, String message, long suppressed) {
        return ResultJson.MAPPER.createObjectNode().put("kind", "appcontrol-problem").put("module", "appcontrol").put("severity", severity)
                .put("problem", kind).put("suppressedBefore", suppressed).put("message", message);
    }

    /** The first problem of a kind in a minute is reported at once; the rest of that minute are counted and reported when it ends. */
    private void problem(String kind, String detail) {
        long now = System.currentTimeMillis();
        long suppressed;
        synchronized (problems) {
            long[] w = problems.get(kind);
            if (w != null && now - w[0] < PROBLEM_WINDOW_MS) {
                w[1]++;
                return;
            }
            suppressed = w == null ? 0 : w[1];
            problems.put(kind, new long[] {now, 0});
        }
        queue(problemEvent(kind, detail + (suppressed > 0 ? " (and " + suppressed + " more of this kind in the minute before)" : ""), suppressed));
    }

    private void drain() {
        List<ObjectNode> batch = new ArrayList<>();
        events.drainTo(batch);
        if (batch.isEmpty()) {
            return;
        }
        try {
            spool.appendCommitted(batch);
        } catch (IOException e) {
            dropped.addAndGet(batch.size());
            System.err.println("application control: cannot spool " + batch.size() + " events: " + e.getMessage());
        }
    }

    /** For the heartbeat: what enforcement did since the agent started, and whether it runs. */
    Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        ExecEnforcer e = enforcer;
        c.put("appcontrol.enforcing", e == null ? 0L : 1L);
        c.put("appcontrol.building", BUILD.get() == null ? 0L : 1L);
        if (e != null) {
            c.put("appcontrol.decided", e.decided());
            c.put("appcontrol.cacheHits", e.cacheHits());
            c.put("appcontrol.ignoredInKernel", e.ignoredInKernel());
            c.put("appcontrol.answeredLate", e.timedOut());
        }
        c.put("appcontrol.restarts", restarts.get());
        c.put("appcontrol.eventsDropped", dropped.get());
        return c;
    }

    @Override
    public void close() {
        ExecEnforcer e = enforcer;
        enforcer = null;
        if (e != null) {
            e.close();
        }
        drain();
    }
}
