package dev.bulwark.agent.appcontrol;

import dev.bulwark.agent.linux.FanotifyAccess;
import dev.bulwark.agent.linux.NativeFiles;
import dev.bulwark.agent.linux.NativeFiles.NativeFileException;
import dev.bulwark.agent.linux.NativeFiles.OpenedFile;
import dev.bulwark.agent.linux.NativeFiles.Stat;
import dev.bulwark.engine.Action;
import dev.bulwark.engine.Finding;
import dev.bulwark.engine.ProtectionModule;
import dev.bulwark.engine.Verdict;
import dev.bulwark.engine.appcontrol.EnforcementMode;
import dev.bulwark.engine.appcontrol.ExecRequest;
import dev.bulwark.engine.evaluation.EvaluationResult;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.evaluation.StreamSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Application control's enforcement: fanotify {@code FAN_OPEN_EXEC_PERM} hands every exec (and every
 * shared-object or interpreter open the kernel reports as an exec) under the scope to the agent,
 * which answers allow or deny. Known decisions come from a cache keyed by (device, inode, size,
 * mtime, ctime), answered on the reader thread without hashing; a miss is looked up in the
 * {@link ExecInventory} (same stamp: known without hashing; else hashed and compared), the
 * {@link AdminDecisions} (approved, blocked; the latest the supplier gives), and the knowledge base's application-control rules
 * decide. Precedence: a verdict from an organisation rule (an approval or block ruleset, any rule
 * whose id does not start with {@code AC-EXEC-}) wins over the default rules' verdicts; among equals,
 * block wins over allow. In a maintenance window, new and changed executables that are allowed are
 * added to the inventory. The agent itself and the always-allowed paths are never held; an exec with
 * no verdict within the timeout is allowed (fail open, the default) or denied (fail closed), and
 * reported. If the agent dies the kernel allows everything.
 */
public final class ExecEnforcer implements AutoCloseable {

    /** How to enforce. {@code scope}: only execs of files under these trees are decided. */
    public record Config(List<String> scope, String mode, Duration timeout, boolean failClosed, List<String> alwaysAllow, int workers) {
    }

    /** What the enforcer reports: each decision with findings (unrecognised software), and problems. */
    public interface Listener {
        void decided(ExecRequest request, boolean allowed, String ruleId, String reason, List<Finding> findings);

        void problem(String kind, String detail);
    }

    private record Key(long device, long inode, long size, long mtime, long ctime) {
        static Key of(Stat s) {
            return new Key(s.device(), s.inode(), s.size(), s.mtime(), s.ctime());
        }
    }

    private record Task(FanotifyAccess.Event event, String path, long deadline, AtomicBoolean answered) {
    }

    private static final long OWN_PID = ProcessHandle.current().pid();
    private static final int CACHE_ENTRIES = 200_000;

    private final Config config;
    private final LoadedKnowledgeBase kb;
    private final ExecInventory inventory;
    private final java.util.function.Supplier<AdminDecisions> admin;
    private final Path inventoryFile;
    private final MaintenanceWindow maintenance;
    private final Listener listener;
    private final FanotifyAccess fan;
    private final Map<Key, Boolean> cache = new LinkedHashMap<>(4096, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Boolean> e) {
            return size() > CACHE_ENTRIES;
        }
    };
    private final BlockingQueue<Task> queue = new ArrayBlockingQueue<>(4096);
    private final ConcurrentLinkedQueue<Task> pending = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong decided = new AtomicLong();
    private final AtomicLong cacheHits = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private volatile boolean inventoryDirty;
    /** Bumped by {@link #invalidate}: a decision made before it (with the old decisions or window) is answered but not cached. */
    private long generation;

    private ExecEnforcer(Config config, LoadedKnowledgeBase kb, ExecInventory inventory, java.util.function.Supplier<AdminDecisions> admin, Path inventoryFile,
                         MaintenanceWindow maintenance, Listener listener, FanotifyAccess fan) {
        this.config = config;
        this.kb = kb;
        this.inventory = inventory;
        this.admin = admin;
        this.inventoryFile = inventoryFile;
        this.maintenance = maintenance;
        this.listener = listener;
        this.fan = fan;
    }

    /** Marks the mounts of the scope and starts the reader, the deciding workers and the watchdog. */
    public static ExecEnforcer start(Config config, LoadedKnowledgeBase kb, ExecInventory inventory, java.util.function.Supplier<AdminDecisions> admin,
                                     Path inventoryFile,
                                     MaintenanceWindow maintenance, Listener listener) throws NativeFileException {
        FanotifyAccess fan = FanotifyAccess.open(FanotifyAccess.FAN_OPEN_EXEC_PERM);
        ExecEnforcer e = new ExecEnforcer(config, kb, inventory, admin, inventoryFile, maintenance, listener, fan);
        try {
            for (String p : config.scope()) {
                fan.markMount(p);
            }
        } catch (NativeFileException x) {
            fan.close();
            throw x;
        }
        e.threads.add(Thread.ofPlatform().name("appcontrol-reader").daemon(true).start(e::readLoop));
        for (int i = 0; i < Math.max(1, config.workers()); i++) {
            e.threads.add(Thread.ofPlatform().name("appcontrol-decide-" + i).daemon(true).start(e::workLoop));
        }
        e.threads.add(Thread.ofPlatform().name("appcontrol-watchdog").daemon(true).start(e::watchdog));
        return e;
    }

    public long decided() {
        return decided.get();
    }

    public long cacheHits() {
        return cacheHits.get();
    }

    public long timedOut() {
        return timedOut.get();
    }

    /** Forgets every cached decision (after an approval, a block, a mode or window change). */
    public void invalidate() {
        synchronized (cache) {
            generation++;
            cache.clear();
        }
    }

    private boolean inScope(String path) {
        for (String p : config.scope()) {
            if (p.equals("/") || path.equals(p) || path.startsWith(p.endsWith("/") ? p : p + "/")) {
                return true;
            }
        }
        return false;
    }

    private boolean alwaysAllowed(String path) {
        for (String p : config.alwaysAllow()) {
            if (path.equals(p) || path.startsWith(p.endsWith("/") ? p : p + "/")) {
                return true;
            }
        }
        return false;
    }

    private void readLoop() {
        while (running.get()) {
            try {
                fan.poll(200, this::dispatch);
            } catch (NativeFileException e) {
                listener.problem("fanotify", e.getMessage());
            } catch (IllegalStateException e) {
                if (running.get()) {
                    listener.problem("fanotify", String.valueOf(e.getMessage()));
                }
                return;
            }
        }
    }

    private void dispatch(FanotifyAccess.Event e) {
        if (e.overflow()) {
            listener.problem("overflow", "fanotify queue overflowed");
            return;
        }
        if (e.pid() == OWN_PID) {
            answerAndClose(e, true);
            return;
        }
        String path = FanotifyAccess.path(e);
        if (!inScope(path) || alwaysAllowed(path)) {
            answerAndClose(e, true);
            return;
        }
        try (OpenedFile f = OpenedFile.borrow(e.fd())) {
            Boolean allow;
            synchronized (cache) {
                allow = cache.get(Key.of(f.stat()));
            }
            if (allow != null) {
                cacheHits.incrementAndGet();
                answerAndClose(e, allow);
                return;
            }
        } catch (NativeFileException x) {
            answerAndClose(e, !config.failClosed());
            return;
        }
        Task t = new Task(e, path, System.nanoTime() + config.timeout().toNanos(), new AtomicBoolean());
        pending.add(t);
        if (!queue.offer(t)) {
            pending.remove(t);
            late(t, "the decision queue is full");
            FanotifyAccess.closeEventFd(e);
        }
    }

    private void workLoop() {
        // One long-lived session per worker: a session per exec would cost milliseconds.
        try (StreamSession session = kb.openSession(StreamSession.Clock.PSEUDO)) {
            work(session);
        }
    }

    private void work(StreamSession session) {
        while (running.get()) {
            Task t;
            try {
                t = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException x) {
                return;
            }
            if (t == null) {
                continue;
            }
            try {
                decide(t, session);
            } catch (RuntimeException x) {
                late(t, "the decision failed: " + x);
            } finally {
                pending.remove(t);
                FanotifyAccess.closeEventFd(t.event());
            }
            if (inventoryDirty) {
                saveInventory();
            }
        }
    }

    private void decide(Task t, StreamSession session) {
        long gen;
        synchronized (cache) {
            gen = generation;
        }
        Stat st;
        String sha;
        try (OpenedFile f = OpenedFile.borrow(t.event().fd())) {
            st = f.stat();
            ExecInventory.Entry known = inventory.get(t.path());
            sha = known != null && known.sameStamp(st) ? known.sha256() : HexFormat.of().formatHex(f.sha256());
        } catch (NativeFileException x) {
            late(t, "cannot read " + t.path() + ": " + x.getMessage());
            return;
        }
        ExecInventory.Entry entry = inventory.get(t.path());
        String adminStatus = admin.get().statusOf(t.path(), sha);
        String status = adminStatus != null ? adminStatus
                : entry == null ? (inventory.containsHash(sha) ? "known" : "unknown")
                : entry.sha256().equals(sha) ? "known" : "changed";
        int pid = t.event().pid();
        ExecRequest req = new ExecRequest(t.path(), sha, st.size(), uidOf(pid), userOf(uidOf(pid)), pid, parentOf(pid), commandLineOf(pid), status,
                entry == null ? null : entry.packageName(), System.currentTimeMillis());
        boolean inMaintenance = maintenance.active();
        EvaluationResult r = session.insert(List.of(new EnforcementMode(config.mode(), inMaintenance), req), false);
        Verdict v = strongest(r.verdicts());
        boolean allow = v == null ? !"block".equals(config.mode()) || status.equals("known") || status.equals("approved") : v.action() != Action.BLOCK;
        if (!answer(t, allow)) {
            return; // the watchdog answered first; the decision still counts for next time
        }
        decided.incrementAndGet();
        synchronized (cache) {
            if (gen == generation) {
                cache.put(Key.of(st), allow);
            }
        }
        if (allow && inMaintenance && (status.equals("unknown") || status.equals("changed"))) {
            inventory.put(ExecInventory.Entry.of(t.path(), sha, st, entry == null ? null : entry.packageName(), false));
            inventoryDirty = true;
        }
        listener.decided(req, allow, v == null ? null : v.ruleId(), v == null ? "no rule decided; mode " + config.mode() : v.reason(), r.findings());
    }

    /** Organisation rules over the defaults (AC-EXEC-*); block over allow among equals. */
    static Verdict strongest(List<Verdict> verdicts) {
        Verdict best = null;
        for (Verdict v : verdicts) {
            if (v.module() != ProtectionModule.APP_CONTROL) {
                continue;
            }
            if (best == null || rank(v) > rank(best)) {
                best = v;
            }
        }
        return best;
    }

    private static int rank(Verdict v) {
        int specific = v.ruleId() != null && !v.ruleId().startsWith("AC-EXEC-") ? 10 : 0;
        return specific + (v.action() == Action.BLOCK ? 2 : 1);
    }

    private void saveInventory() {
        inventoryDirty = false;
        try {
            inventory.save(inventoryFile);
        } catch (java.io.IOException e) {
            listener.problem("inventory", "cannot save the inventory: " + e.getMessage());
        }
    }

    private boolean answer(Task t, boolean allow) {
        if (t.answered().compareAndSet(false, true)) {
            respond(t.event(), allow);
            return true;
        }
        return false;
    }

    private void late(Task t, String why) {
        if (t.answered().compareAndSet(false, true)) {
            timedOut.incrementAndGet();
            respond(t.event(), !config.failClosed());
            listener.problem(config.failClosed() ? "fail-closed" : "fail-open",
                    (config.failClosed() ? "denied " : "allowed ") + "the exec of " + t.path() + " undecided: " + why);
        }
    }

    private void answerAndClose(FanotifyAccess.Event e, boolean allow) {
        respond(e, allow);
        FanotifyAccess.closeEventFd(e);
    }

    private void respond(FanotifyAccess.Event e, boolean allow) {
        try {
            fan.respond(e, allow);
        } catch (NativeFileException x) {
            listener.problem("fanotify", x.getMessage());
        }
    }

    private void watchdog() {
        while (running.get()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Task t : pending) {
                if (now - t.deadline() > 0) {
                    pending.remove(t);
                    late(t, "no verdict within " + config.timeout().toMillis() + " ms");
                }
            }
        }
    }

    private static int uidOf(int pid) {
        try {
            return NativeFiles.stat(("/proc/" + pid).getBytes(StandardCharsets.US_ASCII), false).uid();
        } catch (NativeFileException e) {
            return -1;
        }
    }

    private static String userOf(int uid) {
        String n = uid < 0 ? null : NativeFiles.userName(uid);
        return n == null ? Integer.toString(uid) : n;
    }

    private static String parentOf(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new String(NativeFiles.readLink(("/proc/" + after[1] + "/exe").getBytes(StandardCharsets.US_ASCII)), StandardCharsets.UTF_8);
        } catch (Exception e) {
            return null;
        }
    }

    private static String commandLineOf(int pid) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
            String s = new String(b, StandardCharsets.UTF_8).replace('\0', ' ').trim();
            return s.length() > 1024 ? s.substring(0, 1024) + "..." : s;
        } catch (Exception e) {
            return null;
        }
    }

    /** Stops: what is pending is answered (fail-open or closed as configured), then the group is closed. */
    @Override
    public void close() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Task t; (t = queue.poll()) != null; ) {
            late(t, "application control is stopping");
            FanotifyAccess.closeEventFd(t.event());
        }
        if (inventoryDirty) {
            saveInventory();
        }
        fan.close();
    }
}
