package dev.bulwark.agent.integrity;

import static dev.bulwark.agent.integrity.FimTrees.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.engine.integrity.ChangeKind;
import dev.bulwark.engine.integrity.FileChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real-time monitoring of changes made by another process, with fanotify and with inotify. */
class FimWatcherTest {

    @TempDir
    Path tmp;

    /** Runs partial and full passes against the baseline like {@code fim watch}, collecting the changes. */
    private final class Recorder implements FimWatcher.Passes {
        final MonitorPlan plan;
        final Path store;
        final List<FileChange> changes = new CopyOnWriteArrayList<>();
        volatile int full;

        Recorder(MonitorPlan plan, Path store) {
            this.plan = plan;
            this.store = store;
        }

        @Override
        public void partial(DirtySet dirty) throws IOException {
            run(dirty.scope(), dirty.starts());
        }

        @Override
        public void full() throws IOException {
            full++;
            run(p -> true, null);
        }

        private void run(Predicate<String> scope, List<TreeWalker.Start> starts) throws IOException {
            Path file = store.resolve("baseline.fim");
            try (BaselineFile.Reader old = new BaselineFile.Reader(file); BaselineFile.Writer out = new BaselineFile.Writer(file, plan.toJson())) {
                new IntegrityScan(plan, 2, ExpectedChanges.NONE).run(old, plan, out, scope, starts, c -> changes.add(c.fact()));
                out.commit();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fanotify", "inotify"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void changesByAnotherProcessArriveOnceEach(String source) throws Exception {
        if (source.equals("fanotify")) {
            assumeTrue(FimTrees.root(), "fanotify file-system marks need CAP_SYS_ADMIN");
        }
        Path tree = Files.createDirectories(tmp.resolve("tree/etc"));
        Files.writeString(tree.resolve("app.conf"), "a=1\n");
        Files.writeString(tree.resolve("keys"), "k\n");
        Files.writeString(tree.resolve("old-name"), "n\n");
        Path store = Files.createDirectories(tmp.resolve("store"));
        MonitorPlan plan = FimTrees.plan(tree.getParent());
        FimTrees.baseline(plan, store);
        Recorder rec = new Recorder(plan, store);
        AtomicBoolean stop = new AtomicBoolean();
        try (FimWatcher w = new FimWatcher(plan, rec, Duration.ofMillis(200), 10_000)) {
            assertEquals(source, w.start(source.equals("fanotify")));
            Thread loop = runInBackground(w, stop);
            assertEquals(0, sh("cd '" + tree + "' && echo b=2 >> app.conf && chmod 600 keys && mv old-name new-name"
                    + " && mkdir -p drop/sub && echo z > drop/sub/z"));
            Map<String, ChangeKind> expected = new TreeMap<>(Map.of(
                    tree + "/app.conf", ChangeKind.MODIFIED, tree + "/keys", ChangeKind.MODIFIED, tree + "/new-name", ChangeKind.RENAMED,
                    tree + "/drop", ChangeKind.CREATED, tree + "/drop/sub", ChangeKind.CREATED, tree + "/drop/sub/z", ChangeKind.CREATED));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && !seenAll(rec.changes, expected)) {
                Thread.sleep(50);
            }
            Thread.sleep(600);
            stop.set(true);
            loop.join();
            Map<String, ChangeKind> seen = new TreeMap<>();
            for (FileChange c : rec.changes) {
                if (!c.path().equals(tree.toString())) {
                    assertTrue(seen.put(c.path(), c.kind()) == null, "reported twice: " + c.path() + " in " + rec.changes);
                }
            }
            assertEquals(expected, seen, rec.changes.toString());
            assertEquals(0, rec.full, "no full pass needed");
            assertTrue(w.events() > 0);
        }
        assertEquals(List.of(), FimTrees.check(plan, store).changes(), "the baseline followed every change");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fanotify", "inotify"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aBurstLargerThanTheLimitBecomesOneFullCheck(String source) throws Exception {
        if (source.equals("fanotify")) {
            assumeTrue(FimTrees.root(), "fanotify file-system marks need CAP_SYS_ADMIN");
        }
        Path tree = Files.createDirectories(tmp.resolve("burst"));
        Path store = Files.createDirectories(tmp.resolve("store2"));
        MonitorPlan plan = FimTrees.plan(tree);
        FimTrees.baseline(plan, store);
        Recorder rec = new Recorder(plan, store);
        AtomicBoolean stop = new AtomicBoolean();
        try (FimWatcher w = new FimWatcher(plan, rec, Duration.ofMillis(300), 20)) {
            w.start(source.equals("fanotify"));
            Thread loop = runInBackground(w, stop);
            assertEquals(0, sh("cd '" + tree + "' && for i in $(seq 1 200); do echo $i > f$i; done"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && rec.changes.stream().filter(c -> c.kind() == ChangeKind.CREATED).count() < 200) {
                Thread.sleep(50);
            }
            stop.set(true);
            loop.join();
            assertEquals(200, rec.changes.stream().filter(c -> c.kind() == ChangeKind.CREATED).count(), rec.changes.toString());
            assertTrue(rec.full >= 1, "a full pass instead of 200 partial ones");
        }
    }

    @org.junit.jupiter.api.Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theScheduledFullPassFindsWhatNoEventReported() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("scheduled"));
        Path store = Files.createDirectories(tmp.resolve("store3"));
        Files.writeString(tree.resolve("f"), "1");
        MonitorPlan plan = FimTrees.plan(tree);
        FimTrees.baseline(plan, store);
        // Changed before the watcher starts: no event will ever say so.
        Files.writeString(tree.resolve("f"), "2");
        Recorder rec = new Recorder(plan, store);
        AtomicBoolean stop = new AtomicBoolean();
        try (FimWatcher w = new FimWatcher(plan, rec, Duration.ofMillis(100), 100).fullPassEvery(Duration.ofMillis(500))) {
            w.start(false);
            Thread loop = runInBackground(w, stop);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && rec.changes.isEmpty()) {
                Thread.sleep(50);
            }
            stop.set(true);
            loop.join();
        }
        assertTrue(rec.full >= 1);
        assertEquals(List.of(tree.resolve("f").toString()), rec.changes.stream().map(FileChange::path).toList());
    }

    private static Thread runInBackground(FimWatcher w, AtomicBoolean stop) {
        return Thread.ofPlatform().start(() -> {
            try {
                w.run(stop::get);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static boolean seenAll(List<FileChange> changes, Map<String, ChangeKind> expected) {
        return expected.keySet().stream().allMatch(p -> changes.stream().anyMatch(c -> c.path().equals(p)));
    }
}
