package dev.bulwark.agent.integrity;

import dev.bulwark.agent.linux.NativeFiles;
import dev.bulwark.agent.linux.NativeFiles.NativeFileException;
import dev.bulwark.agent.linux.NativeFiles.Stat;
import dev.bulwark.engine.integrity.ChangeKind;
import dev.bulwark.engine.integrity.FileAttribute;
import dev.bulwark.engine.integrity.FileChange;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * One pass over the monitored trees: walks them, completes each entry (hash, xattrs, link target,
 * names) on a pool of threads, merges the result with the old baseline as two sorted streams, and
 * reports each difference once. Content is hashed again only when inode, size, mtime or ctime
 * changed; an entry whose whole stat is unchanged (ctime included, which any xattr, ACL, mode or
 * owner change moves) is not read at all beyond its {@code statx}. A file is stat'ed on the
 * descriptor it is hashed through, before reading, so a write
 * during the pass always leaves a newer ctime for the next pass to see; a file that changes while
 * it is read is read again (three times at most).
 *
 * <p>Memory is bounded by the window of entries in flight and the rename candidates kept for
 * pairing (at most {@value #MAX_RENAME_CANDIDATES} each way; beyond that, creations and deletions
 * are reported as such).
 */
public final class IntegrityScan {

    static final int WINDOW = 2048;
    static final int TASK_BATCH = 64;
    static final int WALK_BATCH = 256;
    static final int MAX_RENAME_CANDIDATES = 100_000;
    private static final int HASH_ATTEMPTS = 3;
    private static final byte[] EMPTY_SHA256 = BaselineFile.sha256().digest();

    /** A difference between the baseline and the file system. */
    public record Change(FileChange fact, FileEntry before, FileEntry after, String expectedBecause) {
    }

    /** Receives changes as they are found, progress and warnings. Called from one thread. */
    public interface Listener {
        void change(Change change);

        default void progress(long entries, long bytesHashed) {
        }

        default void warning(String path, String problem) {
        }
    }

    /** Counts of one pass. */
    public record Summary(long entries, long hashed, long bytesHashed, long hashesReused, long created, long modified,
                          long deleted, long renamed, long warnings, long nanos) {
        public long changes() {
            return created + modified + deleted + renamed;
        }
    }

    private final MonitorPlan plan;
    private final int threads;
    private final ExpectedChanges expected;

    public IntegrityScan(MonitorPlan plan, int threads, ExpectedChanges expected) {
        this.plan = plan;
        this.threads = Math.max(1, threads);
        this.expected = expected;
    }

    private record Pending(TreeWalker.Walked walked, FileEntry old, CompletableFuture<FileEntry> entry) {
    }

    /** Completes a batch of entries on one worker, in order. */
    private static void submit(ExecutorService pool, List<Pending> batch, boolean samePlan, ThreadLocal<NativeFiles.Hasher> hashers, Counters c) {
        pool.execute(() -> {
            for (Pending p : batch) {
                try {
                    p.entry().complete(complete(p.walked(), p.old(), samePlan, hashers.get(), c));
                } catch (RuntimeException | Error e) {
                    p.entry().completeExceptionally(e);
                }
            }
        });
    }

    /**
     * Runs the pass.
     *
     * @param old     the baseline to compare with, or {@code null} to build a first one (nothing is reported)
     * @param oldPlan the plan {@code old} was built for: paths it did not cover are added silently,
     *                paths the new plan no longer covers are dropped silently, and only attributes
     *                both plans monitor are compared
     * @param out     where the new baseline goes, or {@code null} to leave the baseline as it is
     * @param scope   which paths take their new state; for the others the old entry is kept and no
     *                change is reported ({@code p -> true} for a full pass)
     */
    public Summary run(BaselineFile.Reader old, MonitorPlan oldPlan, BaselineFile.Writer out, Predicate<String> scope, Listener listener)
            throws IOException {
        return run(old, oldPlan, out, scope, null, listener);
    }

    /**
     * A pass over part of the plan: only the {@code starts} are walked; {@code scope} must accept
     * exactly what they cover, so every other baseline entry is carried over as it was.
     */
    public Summary run(BaselineFile.Reader old, MonitorPlan oldPlan, BaselineFile.Writer out, Predicate<String> scope,
                       List<TreeWalker.Start> starts, Listener listener) throws IOException {
        long started = System.nanoTime();
        Counters c = new Counters();
        ThreadLocal<NativeFiles.Hasher> hashers = ThreadLocal.withInitial(NativeFiles.Hasher::new);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(() -> {
                try {
                    r.run();
                } finally {
                    NativeFiles.Hasher h = hashers.get();
                    h.close();
                }
            }, "bulwark-fim-hash");
            t.setDaemon(true);
            return t;
        });
        Map<Long, List<FileEntry>> deletedByInode = new HashMap<>();
        Map<Long, List<FileEntry>> createdByInode = new LinkedHashMap<>();
        Walk walk = null;
        // Entries whose stat did not move reuse what was read last time, if last time read the same attributes.
        boolean samePlan = oldPlan == null || oldPlan == plan || oldPlan.toJson().equals(plan.toJson());
        // The same plan read back from the baseline is a different object: pass this one, so that the
        // merge compares each entry's attributes directly instead of intersecting two glob lookups.
        Pass pass = new Pass(old, samePlan ? plan : oldPlan, out, scope, listener, c, deletedByInode, createdByInode);
        try {
            // The walk runs on its own thread (listing, paths, attribute sets); warnings reach the
            // listener through the merge thread, which is the only one that calls it.
            java.util.function.BiConsumer<String, String> warn = (path, problem) -> c.workerWarnings.add(new String[] {path, problem});
            TreeWalker walker = starts == null ? new TreeWalker(plan, warn) : new TreeWalker(plan, starts, warn);
            walk = startWalk(walker);
            ArrayDeque<Pending> window = new ArrayDeque<>();
            // Entries go to the workers in batches: one hand-over (and at most one wake-up) per
            // batch rather than per file, which on a million small files is most of the system time.
            List<Pending> batch = new ArrayList<>(TASK_BATCH);
            for (List<TreeWalker.Walked> walkedBatch = nextWalked(walk); walkedBatch != null; walkedBatch = nextWalked(walk)) {
                for (TreeWalker.Walked w : walkedBatch) {
                    pass.olderThan(w.path());
                    FileEntry prior = old != null && old.peek() != null && Arrays.equals(old.peek().path(), w.path()) ? old.next() : null;
                    Pending p = new Pending(w, prior, new CompletableFuture<>());
                    window.add(p);
                    batch.add(p);
                    if (batch.size() == TASK_BATCH) {
                        submit(pool, batch, samePlan, hashers, c);
                        batch = new ArrayList<>(TASK_BATCH);
                    }
                    while (window.size() > WINDOW) {
                        if (!window.peek().entry().isDone() && !batch.isEmpty()) {
                            submit(pool, batch, samePlan, hashers, c);
                            batch = new ArrayList<>(TASK_BATCH);
                        }
                        pass.finish(window.poll());
                    }
                }
                if (!batch.isEmpty() && walk.queue().isEmpty()) {
                    // The walk is slower than the workers for now: do not hold entries back.
                    submit(pool, batch, samePlan, hashers, c);
                    batch = new ArrayList<>(TASK_BATCH);
                }
            }
            if (!batch.isEmpty()) {
                submit(pool, batch, samePlan, hashers, c);
            }
            while (!window.isEmpty()) {
                pass.finish(window.poll());
            }
            pass.olderThan(null);
            pass.pairRenames();
            pass.drainWarnings();
        } finally {
            pool.shutdownNow();
            if (walk != null) {
                walk.thread.interrupt();
            }
        }
        return new Summary(c.entries, c.hashed.get(), c.bytesHashed.get(), c.reused.get(), c.created, c.modified, c.deleted, c.renamed,
                c.warnings, System.nanoTime() - started);
    }

    /** The walk's output, handed over through a bounded queue. */
    private record Walk(Thread thread, java.util.concurrent.BlockingQueue<Object> queue) {
    }

    private static final Object END_OF_WALK = new Object();

    private static Walk startWalk(TreeWalker walker) {
        java.util.concurrent.BlockingQueue<Object> queue = new java.util.concurrent.ArrayBlockingQueue<>(WINDOW / WALK_BATCH + 2);
        Thread t = Thread.ofPlatform().name("bulwark-fim-walk").daemon().start(() -> {
            try {
                List<TreeWalker.Walked> batch = new ArrayList<>(WALK_BATCH);
                for (TreeWalker.Walked w = walker.next(); w != null; w = walker.next()) {
                    batch.add(w);
                    // Full batches, or whatever is ready when the merge is waiting for work.
                    if (batch.size() == WALK_BATCH || queue.isEmpty() && batch.size() >= 16) {
                        queue.put(batch);
                        batch = new ArrayList<>(WALK_BATCH);
                    }
                }
                if (!batch.isEmpty()) {
                    queue.put(batch);
                }
                queue.put(END_OF_WALK);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                try {
                    queue.put(e);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        return new Walk(t, queue);
    }

    @SuppressWarnings("unchecked")
    private static List<TreeWalker.Walked> nextWalked(Walk walk) throws IOException {
        Object o;
        try {
            o = walk.queue().take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("integrity scan interrupted", e);
        }
        if (o == END_OF_WALK) {
            return null;
        }
        if (o instanceof Throwable t) {
            throw new IOException("the walk failed: " + t, t);
        }
        return (List<TreeWalker.Walked>) o;
    }

    private static final class Counters {
        long entries;
        final AtomicLong hashed = new AtomicLong();
        final AtomicLong bytesHashed = new AtomicLong();
        final AtomicLong reused = new AtomicLong();
        long created;
        long modified;
        long deleted;
        long renamed;
        long warnings;
        final List<String[]> workerWarnings = java.util.Collections.synchronizedList(new ArrayList<>());
    }

    /** The merge side of a pass; runs on the caller's thread. */
    private final class Pass {
        private final BaselineFile.Reader old;
        private final MonitorPlan oldPlan;
        private final BaselineFile.Writer out;
        private final Predicate<String> scope;
        private final Listener listener;
        private final Counters c;
        private final Map<Long, List<FileEntry>> deletedByInode;
        private final Map<Long, List<FileEntry>> createdByInode;
        private int deletedKept;
        private int createdKept;

        Pass(BaselineFile.Reader old, MonitorPlan oldPlan, BaselineFile.Writer out, Predicate<String> scope, Listener listener, Counters c,
             Map<Long, List<FileEntry>> deletedByInode, Map<Long, List<FileEntry>> createdByInode) {
            this.old = old;
            this.oldPlan = oldPlan;
            this.out = out;
            this.scope = scope;
            this.listener = listener;
            this.c = c;
            this.deletedByInode = deletedByInode;
            this.createdByInode = createdByInode;
        }

        /** Old entries before {@code path} (all remaining for {@code null}) are gone from the file system. */
        void olderThan(byte[] path) throws IOException {
            while (old != null && old.peek() != null && (path == null || RawPaths.compare(old.peek().path(), path) < 0)) {
                gone(old.next());
            }
        }

        private void gone(FileEntry before) throws IOException {
            String display = before.displayPath();
            if (!scope.test(display)) {
                write(before);
                return;
            }
            if (plan.attributes(display).isEmpty()) {
                return;
            }
            if (deletedKept < MAX_RENAME_CANDIDATES) {
                deletedByInode.computeIfAbsent(before.stat().inode(), k -> new ArrayList<>()).add(before);
                deletedKept++;
            } else {
                report(ChangeKind.DELETED, before, null, List.of());
            }
        }

        void finish(Pending p) throws IOException {
            FileEntry now;
            try {
                now = p.entry().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("integrity scan interrupted", e);
            } catch (ExecutionException e) {
                throw new IOException("integrity scan failed at " + p.walked().display() + ": " + e.getCause(), e.getCause());
            }
            drainWarnings();
            c.entries++;
            if ((c.entries & 1023) == 0) {
                listener.progress(c.entries, c.bytesHashed.get());
            }
            if (now == null) {
                if (p.old() != null) {
                    gone(p.old());
                }
                return;
            }
            String display = p.walked().display();
            if (!scope.test(display)) {
                if (p.old() != null) {
                    write(p.old());
                }
                return;
            }
            write(now);
            if (old == null) {
                return;
            }
            if (p.old() == null) {
                if (oldPlan != plan && oldPlan.attributes(display).isEmpty()) {
                    return;
                }
                if (createdKept < MAX_RENAME_CANDIDATES) {
                    createdByInode.computeIfAbsent(now.stat().inode(), k -> new ArrayList<>()).add(now);
                    createdKept++;
                } else {
                    report(ChangeKind.CREATED, null, now, List.of());
                }
                return;
            }
            List<String> diff = now.differences(p.old(), common(p.walked().attributes(), display));
            if (!diff.isEmpty()) {
                report(ChangeKind.MODIFIED, p.old(), now, diff);
            }
        }

        private Set<FileAttribute> common(Set<FileAttribute> now, String path) {
            if (oldPlan == plan) {
                return now;
            }
            Set<FileAttribute> both = java.util.EnumSet.noneOf(FileAttribute.class);
            both.addAll(now);
            both.retainAll(oldPlan.attributes(path));
            return both;
        }

        /** Hands the warnings of the walk and the workers to the listener, on this thread. */
        void drainWarnings() {
            synchronized (c.workerWarnings) {
                for (String[] w : c.workerWarnings) {
                    c.warnings++;
                    listener.warning(w[0], w[1]);
                }
                c.workerWarnings.clear();
            }
        }

        private void write(FileEntry e) throws IOException {
            if (out != null) {
                out.write(e);
            }
        }

        /** A deleted and a created entry with the same device, inode and type are one rename. */
        void pairRenames() {
            List<Change> pending = new ArrayList<>();
            for (List<FileEntry> created : createdByInode.values()) {
                for (FileEntry now : created) {
                    FileEntry before = takeMatch(deletedByInode.get(now.stat().inode()), now.stat());
                    if (before == null) {
                        pending.add(change(ChangeKind.CREATED, null, now, List.of()));
                    } else {
                        List<String> diff = new ArrayList<>();
                        diff.add("path");
                        diff.addAll(now.differences(before, common(plan.attributes(now.displayPath()), now.displayPath())));
                        pending.add(change(ChangeKind.RENAMED, before, now, diff));
                    }
                }
            }
            for (List<FileEntry> gone : deletedByInode.values()) {
                for (FileEntry before : gone) {
                    pending.add(change(ChangeKind.DELETED, before, null, List.of()));
                }
            }
            pending.sort((a, b) -> RawPaths.compare(path(a), path(b)));
            pending.forEach(this::emit);
        }

        private static byte[] path(Change ch) {
            return ch.after() != null ? ch.after().path() : ch.before().path();
        }

        private static FileEntry takeMatch(List<FileEntry> candidates, Stat st) {
            if (candidates == null) {
                return null;
            }
            for (int i = 0; i < candidates.size(); i++) {
                Stat o = candidates.get(i).stat();
                if (o.device() == st.device() && o.format() == st.format()) {
                    return candidates.remove(i);
                }
            }
            return null;
        }

        private void report(ChangeKind kind, FileEntry before, FileEntry after, List<String> diff) {
            emit(change(kind, before, after, diff));
        }

        private Change change(ChangeKind kind, FileEntry before, FileEntry after, List<String> diff) {
            String because = expected.explain(before, after);
            FileEntry e = after != null ? after : before;
            FileChange fact = new FileChange(e.displayPath(), kind, before == null ? null : before.toState(),
                    after == null ? null : after.toState(), diff, because != null, System.currentTimeMillis());
            return new Change(fact, before, after, because);
        }

        private void emit(Change ch) {
            switch (ch.fact().kind()) {
                case CREATED -> c.created++;
                case MODIFIED -> c.modified++;
                case DELETED -> c.deleted++;
                case RENAMED -> c.renamed++;
            }
            listener.change(ch);
        }
    }

    /** Builds the full entry for one walked path on a worker thread; {@code null} when it vanished. */
    private static FileEntry complete(TreeWalker.Walked w, FileEntry prior, boolean reusePrior, NativeFiles.Hasher hasher, Counters c) {
        Stat st = w.stat();
        if (st == null) {
            try {
                st = NativeFiles.stat(w.path(), false);
            } catch (NativeFileException e) {
                if (!e.vanished()) {
                    c.workerWarnings.add(new String[] {w.display(), e.getMessage()});
                }
                return null;
            }
        }
        Set<FileAttribute> attrs = w.attributes();
        byte[] sha = null;
        String error = w.error();
        if (st.isRegular() && attrs.contains(FileAttribute.SHA256)) {
            if (prior != null && prior.sha256() != null && st.sameContentStamp(prior.stat())) {
                sha = prior.sha256();
                c.reused.incrementAndGet();
            } else if (st.size() == 0) {
                // Nothing to read; a write after this stat moves ctime, and the next pass reads it.
                sha = EMPTY_SHA256.clone();
            } else {
                try {
                    NativeFiles.Hasher.Digest d = null;
                    for (int attempt = 0; attempt < HASH_ATTEMPTS; attempt++) {
                        d = hasher.sha256(w.path());
                        c.hashed.incrementAndGet();
                        c.bytesHashed.addAndGet(d.stat().size());
                        if (d.stable()) {
                            break;
                        }
                    }
                    st = d.stat();
                    sha = d.sha256();
                    if (!d.stable()) {
                        c.workerWarnings.add(new String[] {w.display(), "kept changing while it was read; recorded as first seen, will be read again next pass"});
                    }
                } catch (NativeFileException e) {
                    if (e.vanished()) {
                        return null;
                    }
                    if (e.errno() == 0 || e.errno() == 40) {
                        // Replaced by something else (a symlink, FIFO, device) since the walk: record what is there now.
                        try {
                            st = NativeFiles.stat(w.path(), false);
                        } catch (NativeFileException gone) {
                            return null;
                        }
                    } else {
                        error = e.getMessage();
                        c.workerWarnings.add(new String[] {w.display(), error});
                    }
                }
            }
        }
        String owner = attrs.contains(FileAttribute.OWNER) ? NativeFiles.userName(st.uid()) : null;
        String group = attrs.contains(FileAttribute.GROUP) ? NativeFiles.groupName(st.gid()) : null;
        if (reusePrior && prior != null && prior.error() == null && error == null && st.equals(prior.stat())) {
            // Not a single stat field moved, ctime included: setting an xattr or an ACL moves
            // ctime, and a symlink's target cannot change without a new inode. What was read last
            // time is still true; only statx was needed.
            return new FileEntry(w.path(), st, owner, group, sha, prior.linkTarget(), prior.xattrs(), null);
        }
        byte[] target = null;
        if (st.isSymlink() && attrs.contains(FileAttribute.TARGET)) {
            try {
                target = NativeFiles.readLink(w.path());
            } catch (NativeFileException e) {
                if (e.vanished()) {
                    return null;
                }
                error = e.getMessage();
            }
        }
        TreeMap<String, byte[]> xattrs = new TreeMap<>();
        if (attrs.contains(FileAttribute.XATTRS) || attrs.contains(FileAttribute.ACL)) {
            try {
                xattrs = NativeFiles.xattrs(w.path());
            } catch (NativeFileException e) {
                if (e.vanished()) {
                    return null;
                }
                error = e.getMessage();
            }
        }
        return new FileEntry(w.path(), st, owner, group, sha, target, xattrs, error);
    }
}
