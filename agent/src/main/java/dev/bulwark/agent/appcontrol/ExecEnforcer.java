package dev.bulwark.agent.appcontrol;

import dev.bulwark.agent.linux.FanotifyAccess;
import dev.bulwark.agent.linux.NativeFiles;
import dev.bulwark.agent.linux.NativeFiles.NativeFileException;
import dev.bulwark.agent.linux.NativeFiles.OpenedFile;
import dev.bulwark.agent.linux.NativeFiles.Stat;
import dev.bulwark.agent.packages.PackageFiles;
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
 * which answers allow or deny. A trusted executable only root can change is not asked about again
 * at all: an ignore mark on its inode answers in the kernel until the file is written (see
 * {@link #onlyRootWrites}). Other known decisions come from a cache keyed by (device, inode, size,
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

    /**
     * How to enforce. {@code scope}: only execs of files under these trees are decided;
     * {@code rulesOff}: rules the policy switched off, whose verdicts are ignored. {@code packages}:
     * the package databases (null: none), which name the package of an executable not in the
     * inventory; with {@code trustPackages} an executable whose digest is the one its package
     * manager recorded for its path is status {@code package} (installed by the package manager),
     * allowed by the default rules and added to the inventory.
     */
    public record Config(List<String> scope, String mode, Duration timeout, boolean failClosed, List<String> alwaysAllow, int workers,
                         java.util.Set<String> rulesOff, PackageFiles.Source packages, boolean trustPackages) {
        public Config {
            scope = List.copyOf(scope);
            alwaysAllow = List.copyOf(alwaysAllow);
            rulesOff = java.util.Set.copyOf(rulesOff);
        }

        /** How long one decision may take before the enforcer counts as stuck: ten timeouts, at least three seconds (hashing a large binary). */
        Duration stuckAfter() {
            return timeout.multipliedBy(10).compareTo(Duration.ofSeconds(3)) < 0 ? Duration.ofSeconds(3) : timeout.multipliedBy(10);
        }
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
    /** Per worker: when it took its current task ({@code System.nanoTime()}), or 0 when idle. */
    private java.util.concurrent.atomic.AtomicLongArray busySince;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong decided = new AtomicLong();
    private final AtomicLong cacheHits = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private volatile boolean inventoryDirty;
    private PackageFiles packageFiles;
    private long packageFilesStamp = Long.MIN_VALUE;
    private long packageFilesCheckedAt;

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
        warmUp(kb, config.mode());
        FanotifyAccess fan = FanotifyAccess.open(FanotifyAccess.FAN_OPEN_EXEC_PERM);
        ExecEnforcer e = new ExecEnforcer(config, kb, inventory, admin, inventoryFile, maintenance, listener, fan);
        e.packages(); // read the package databases now, not on the first exec that needs them
        try {
            for (String p : config.scope()) {
                fan.markMount(p);
            }
        } catch (NativeFileException x) {
            fan.close();
            throw x;
        }
        e.threads.add(Thread.ofPlatform().name("appcontrol-reader").daemon(true).start(e::readLoop));
        int workers = Math.max(1, config.workers());
        e.busySince = new java.util.concurrent.atomic.AtomicLongArray(workers);
        for (int i = 0; i < workers; i++) {
            int slot = i;
            e.threads.add(Thread.ofPlatform().name("appcontrol-decide-" + i).daemon(true).start(() -> e.workLoop(slot)));
        }
        e.threads.add(Thread.ofPlatform().name("appcontrol-watchdog").daemon(true).start(e::watchdog));
        return e;
    }

    /** Synthetic decisions run at start; see {@link #warmUp}. */
    static final int WARM_UP_DECISIONS = 20_000;
    /** The most the warm-up may take. */
    static final Duration WARM_UP_LIMIT = Duration.ofSeconds(3);

    /**
     * Runs the decision path on made-up requests before the first real exec waits on it: the rules
     * (each status, this mode) and the /proc reads. A JVM runs new code interpreted at first; without
     * this the first thousand real decisions after a start take several times longer (measured with
     * {@code bin/bulwark-bench-exec}: 650 us added per uncached exec before, see docs/benchmarks.md).
     * The requests name no real file, are not kept in the session and their results are dropped.
     * It stops after {@link #WARM_UP_LIMIT} whatever is left: a rule that takes seconds must not keep
     * enforcement from starting.
     */
    static void warmUp(LoadedKnowledgeBase kb, String mode) {
        String[] statuses = {"known", "unknown", "changed", "approved", "blocked", "package"};
        int self = (int) OWN_PID;
        long end = System.nanoTime() + WARM_UP_LIMIT.toNanos();
        try (StreamSession session = kb.openSession(StreamSession.Clock.PSEUDO)) {
            for (int i = 0; i < WARM_UP_DECISIONS && System.nanoTime() < end; i++) {
                ExecRequest r = new ExecRequest("/nonexistent/bulwark-warm-up/program-" + (i % 64), "0".repeat(64), 1, 0, "root", self, null, null,
                        statuses[i % statuses.length], null, System.currentTimeMillis());
                session.insert(List.of(new EnforcementMode(mode, i % 7 == 0), r), false);
                if (i % 10 == 0) {
                    parentOf(self);
                    commandLineOf(self);
                    userOf(uidOf(self));
                }
            }
        }
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

    /**
     * Whether enforcement still works: the reader, every worker and the watchdog alive, and no
     * worker held by one decision longer than {@link Config#stuckAfter()} (a rule that never
     * returns). Unhealthy, the owner closes this enforcer and starts a new one.
     */
    public String unhealthy() {
        if (!running.get()) {
            return "stopped";
        }
        for (Thread t : threads) {
            if (!t.isAlive()) {
                return t.getName() + " died";
            }
        }
        long now = System.nanoTime();
        for (int i = 0; i < busySince.length(); i++) {
            long since = busySince.get(i);
            if (since != 0 && now - since > config.stuckAfter().toNanos()) {
                return "appcontrol-decide-" + i + " has been deciding one exec for " + (now - since) / 1_000_000 + " ms";
            }
        }
        return null;
    }

    /** Forgets every cached decision, here and in the kernel (after an approval, a block, a mode or window change). */
    public void invalidate() {
        synchronized (cache) {
            generation++;
            cache.clear();
            maintenance.refresh(); // the window may be what changed: a decision from now on must not see its cached state
            try {
                fan.forgetIgnored();
            } catch (NativeFileException e) {
                listener.problem("fanotify", "cannot drop the kernel's ignore marks: " + e.getMessage());
            }
        }
    }

    /**
     * The kernel-side cache. An allowed file that only root can change (owned by root, not group or
     * other writable) gets an ignore mark on its inode: the kernel stops asking about it until it is
     * next written, so a repeated exec costs nothing here. A file anyone else could change stays in
     * the cache above, keyed by its stat stamp, because a write through a shared mapping changes it
     * without clearing the kernel's mark.
     */
    static boolean onlyRootWrites(Stat st) {
        return st.uid() == 0 && (st.mode() & 0022) == 0;
    }

    private void ignoreFromNowOn(FanotifyAccess.Event e, boolean decidedHere) {
        try {
            fan.ignore(e);
            if (decidedHere) {
                ignored.incrementAndGet();
            }
        } catch (NativeFileException x) {
            listener.problem("fanotify", "cannot mark a trusted executable in the kernel: " + x.getMessage());
        }
    }

    /** Decided executables the kernel was told not to ask about again (since the start; those outside the scope are not counted). */
    public long ignoredInKernel() {
        return ignored.get();
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
        boolean decided = inScope(path) && !alwaysAllowed(path);
        try (OpenedFile f = OpenedFile.borrow(e.fd())) {
            Stat st = f.stat();
            if (!decided) {
                respond(e, true);
                if (onlyRootWrites(st)) {
                    ignoreFromNowOn(e, false);
                }
                FanotifyAccess.closeEventFd(e);
                return;
            }
            Boolean allow;
            synchronized (cache) {
                allow = cache.get(Key.of(st));
            }
            if (allow != null) {
                cacheHits.incrementAndGet();
                answerAndClose(e, allow);
                return;
            }
        } catch (NativeFileException x) {
            answerAndClose(e, !config.failClosed() || !decided);
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

    private void workLoop(int slot) {
        // One long-lived session per worker: a session per exec would cost milliseconds.
        try (StreamSession session = kb.openSession(StreamSession.Clock.PSEUDO)) {
            work(session, slot);
        }
    }

    private void work(StreamSession session, int slot) {
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
            busySince.set(slot, System.nanoTime());
            try {
                decide(t, session);
            } catch (RuntimeException x) {
                late(t, "the decision failed: " + x);
            } finally {
                busySince.set(slot, 0);
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
        ExecInventory.Entry entry = inventory.get(t.path());
        String status;
        String packageName = entry == null ? null : entry.packageName();
        try (OpenedFile f = OpenedFile.borrow(t.event().fd())) {
            st = f.stat();
            sha = entry != null && entry.sameStamp(st) ? entry.sha256() : HexFormat.of().formatHex(f.sha256());
            String adminStatus = admin.get().statusOf(t.path(), sha);
            status = adminStatus != null ? adminStatus
                    : entry == null ? (inventory.containsHash(sha) ? "known" : "unknown")
                    : entry.sha256().equals(sha) ? "known" : "changed";
            if (status.equals("unknown") || status.equals("changed")) {
                PackageFiles.Owned owned = packages().owner(t.path());
                if (owned != null) {
                    packageName = owned.packageName();
                    if (config.trustPackages() && owned.digest() != null
                            && owned.matches(owned.algorithm().equals("SHA-256") ? sha : HexFormat.of().formatHex(f.digest(owned.algorithm())))) {
                        status = "package"; // installed as its package manager recorded it: an update, not a stranger
                    }
                }
            }
        } catch (NativeFileException x) {
            late(t, "cannot read " + t.path() + ": " + x.getMessage());
            return;
        }
        int pid = t.event().pid();
        int uid = uidOf(pid);
        ExecRequest req = new ExecRequest(t.path(), sha, st.size(), uid, userOf(uid), pid, parentOf(pid), commandLineOf(pid), status,
                packageName, System.currentTimeMillis());
        boolean inMaintenance = maintenance.active();
        EvaluationResult r = session.insert(List.of(new EnforcementMode(config.mode(), inMaintenance), req), false);
        Verdict v = strongest(r.verdicts(), config.rulesOff());
        boolean allow = v == null ? !"block".equals(config.mode()) || status.equals("known") || status.equals("approved") || status.equals("package")
                : v.action() != Action.BLOCK;
        synchronized (cache) {
            if (gen == generation) {
                cache.put(Key.of(st), allow); // before the answer: the next exec of it finds it; valid even if the watchdog answers this one
            }
        }
        if (!t.answered().compareAndSet(false, true)) {
            return; // the watchdog answered this exec (late); the decision is cached for the next
        }
        decided.incrementAndGet();
        respond(t.event(), allow);
        boolean trusted = allow && (status.equals("known") || status.equals("approved") || status.equals("package")) && onlyRootWrites(st)
                && !admin.get().blocksByPath();
        if (trusted) {
            synchronized (cache) {
                if (gen == generation) {
                    ignoreFromNowOn(t.event(), true); // after the answer (the exec does not wait for it), under the lock: no invalidate slips in
                }
            }
        }
        if (allow && (inMaintenance && (status.equals("unknown") || status.equals("changed")) || status.equals("package"))) {
            inventory.put(ExecInventory.Entry.of(t.path(), sha, st, packageName, false));
            inventoryDirty = true;
        }
        listener.decided(req, allow, v == null ? null : v.ruleId(), v == null ? "no rule decided; mode " + config.mode() : v.reason(),
                r.findings().stream().filter(f -> !config.rulesOff().contains(f.ruleId())).toList());
    }

    /**
     * The package databases, read again when they changed (a package installed, upgraded or
     * removed), looked at no more than once a second. A decision that waits for a rereading may be
     * answered late (and reported as such).
     */
    private synchronized PackageFiles packages() {
        long now = System.nanoTime();
        if (packageFiles == null || now - packageFilesCheckedAt > 1_000_000_000L) {
            packageFilesCheckedAt = now;
            long stamp = config.packages() == null ? 0 : config.packages().stamp();
            if (packageFiles == null || stamp != packageFilesStamp) {
                packageFilesStamp = stamp;
                packageFiles = stamp == 0 ? PackageFiles.none() : config.packages().read();
                packageFiles.problems().forEach(p -> listener.problem("packages", p));
            }
        }
        return packageFiles;
    }

    /** Organisation rules over the defaults (AC-EXEC-*); block over allow among equals; rules switched off do not count. */
    static Verdict strongest(List<Verdict> verdicts, java.util.Set<String> off) {
        Verdict best = null;
        for (Verdict v : verdicts) {
            if (v.module() != ProtectionModule.APP_CONTROL || off.contains(v.ruleId())) {
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

    /** Each thread's buffer for /proc reads: a decision allocates no I/O machinery. */
    private static final ThreadLocal<byte[]> PROC_BUFFER = ThreadLocal.withInitial(() -> new byte[4096]);

    /** A small /proc file read with one system call through the native layer (no NIO channel per read); null when gone. */
    private static String procText(String path) {
        byte[] buf = PROC_BUFFER.get();
        try (OpenedFile f = OpenedFile.open(path.getBytes(StandardCharsets.US_ASCII))) {
            int n = f.readInto(buf);
            return new String(buf, 0, n, StandardCharsets.UTF_8);
        } catch (NativeFileException | RuntimeException e) {
            return null;
        }
    }

    /** The executable of the process's parent (/proc/PID/stat's fourth field, then its exe link). */
    private static String parentOf(int pid) {
        String stat = procText("/proc/" + pid + "/stat");
        if (stat == null) {
            return null;
        }
        try {
            int close = stat.lastIndexOf(')');
            int start = stat.indexOf(' ', close + 2) + 1; // after ") S "
            int end = stat.indexOf(' ', start);
            String ppid = stat.substring(start, end);
            return new String(NativeFiles.readLink(("/proc/" + ppid + "/exe").getBytes(StandardCharsets.US_ASCII)), StandardCharsets.UTF_8);
        } catch (NativeFileException | RuntimeException e) {
            return null;
        }
    }

    /** The command line (at the exec, still the one the process had before it: the shell's or the launcher's), at most 1,024 characters. */
    private static String commandLineOf(int pid) {
        String s = procText("/proc/" + pid + "/cmdline");
        if (s == null) {
            return null;
        }
        s = s.replace('\0', ' ').trim();
        return s.length() > 1024 ? s.substring(0, 1024) + "..." : s;
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
