package dev.bulwark.agent.integrity;

import dev.bulwark.agent.linux.Fanotify;
import dev.bulwark.agent.linux.NativeFiles.NativeFileException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Real-time integrity monitoring: events from fanotify (one mark per file system, whoever makes
 * the change) or, where fanotify is not allowed, inotify through {@link WatchService} (one watch
 * per directory), coalesced into a {@link DirtySet} and checked in partial passes against the
 * baseline. A burst is coalesced for {@code settle} after its first event, and passes run at most
 * once per {@code settle}; more than {@code maxPaths} marked paths, or a lost-events overflow,
 * turn into one full pass instead, so nothing is missed when events are dropped.
 */
public final class FimWatcher implements AutoCloseable {

    /** A partial or full pass to run against the baseline. */
    public interface Passes {
        void partial(DirtySet dirty) throws IOException;

        void full() throws IOException;
    }

    private final MonitorPlan plan;
    private final Passes passes;
    private final long settleNanos;
    private final int maxPaths;
    private final DirtySet dirty = new DirtySet();
    private Fanotify fanotify;
    private WatchService inotify;
    private final Map<WatchKey, byte[]> watched = new HashMap<>();
    private boolean overflow;
    private long firstDirtyAt;
    private long lastPassAt;
    private long events;
    private long partialPasses;
    private long fullPasses;

    private long fullEveryNanos = Long.MAX_VALUE;
    private long lastFullAt = System.nanoTime();

    public FimWatcher(MonitorPlan plan, Passes passes, java.time.Duration settle, int maxPaths) {
        this.plan = plan;
        this.passes = passes;
        this.settleNanos = settle.toNanos();
        this.maxPaths = maxPaths;
    }

    /**
     * Also run a full pass this often, whatever the events said: the scheduled check, which
     * catches what no event reports (a change while the watcher was down, a file system that
     * does not report, a lost event).
     */
    public FimWatcher fullPassEvery(java.time.Duration every) {
        this.fullEveryNanos = every.toNanos();
        return this;
    }

    /** Which event source is in use: {@code fanotify} or {@code inotify}. */
    public String start(boolean allowFanotify) throws IOException {
        if (allowFanotify) {
            try {
                fanotify = Fanotify.open();
                for (byte[] root : plan.roots()) {
                    fanotify.markFileSystem(existingAncestor(root));
                }
                return "fanotify";
            } catch (NativeFileException e) {
                if (fanotify != null) {
                    fanotify.close();
                    fanotify = null;
                }
            }
        }
        inotify = FileSystems.getDefault().newWatchService();
        for (byte[] root : plan.roots()) {
            registerTree(existingAncestor(root));
        }
        return "inotify";
    }

    private static byte[] existingAncestor(byte[] root) {
        byte[] p = root;
        while (!Files.exists(toPath(p), LinkOption.NOFOLLOW_LINKS)) {
            int slash = lastSlash(p);
            if (slash <= 0) {
                return new byte[] {'/'};
            }
            p = java.util.Arrays.copyOf(p, slash);
        }
        return p;
    }

    private static int lastSlash(byte[] p) {
        for (int i = p.length - 1; i >= 0; i--) {
            if (p[i] == '/') {
                return i;
            }
        }
        return -1;
    }

    /** Runs until {@code stop} says so, checking it between waits of at most 100 ms. */
    public void run(BooleanSupplier stop) throws IOException {
        while (!stop.getAsBoolean()) {
            poll(100);
            long now = System.nanoTime();
            if (now - lastFullAt >= fullEveryNanos) {
                overflow = true;
                firstDirtyAt = now - settleNanos;
            }
            if ((overflow || !dirty.isEmpty()) && now - firstDirtyAt >= settleNanos && now - lastPassAt >= settleNanos) {
                lastPassAt = now;
                if (overflow || dirty.size() > maxPaths) {
                    lastFullAt = now;
                    overflow = false;
                    dirty.clear();
                    fullPasses++;
                    passes.full();
                } else {
                    partialPasses++;
                    passes.partial(dirty);
                    dirty.clear();
                }
            }
        }
    }

    private void poll(int millis) throws IOException {
        if (fanotify != null) {
            fanotify.poll(millis, this::onFanotify);
            return;
        }
        try {
            WatchKey key = inotify.poll(millis, TimeUnit.MILLISECONDS);
            while (key != null) {
                onInotify(key);
                key = inotify.poll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedWatchServiceException e) {
            // Closed while stopping.
        }
    }

    private void onFanotify(Fanotify.Event e) {
        events++;
        if (e.overflow()) {
            markOverflow();
            return;
        }
        if (e.directory() == null) {
            // The directory is gone. If it was monitored, its removal was reported in its parent,
            // which marks it and everything below it; a mark covers the whole file system, so
            // these are mostly temporary directories elsewhere.
            return;
        }
        byte[] dir = e.directory();
        if (!relevant(dir)) {
            return;
        }
        if (e.name() == null) {
            mark(dir, false);
        } else {
            // The entry and all below it (a directory may arrive whole, by rename); the directory
            // itself for its own times.
            mark(RawPaths.child(dir, e.name()), true);
            mark(dir, false);
        }
    }

    private void onInotify(WatchKey key) {
        byte[] dir = watched.get(key);
        for (WatchEvent<?> ev : key.pollEvents()) {
            events++;
            if (ev.kind() == StandardWatchEventKinds.OVERFLOW || dir == null) {
                markOverflow();
                continue;
            }
            Path child = ((Path) ev.context());
            byte[] path = RawPaths.child(dir, bytesOf(child));
            mark(path, true);
            mark(dir, false);
            if (ev.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(toPath(path), LinkOption.NOFOLLOW_LINKS)) {
                try {
                    registerTree(path);
                } catch (IOException e) {
                    markOverflow();
                }
            }
        }
        if (!key.reset()) {
            watched.remove(key);
        }
    }

    private void registerTree(byte[] dir) throws IOException {
        String display = RawPaths.display(dir);
        if (!plan.enters(display) && plan.attributes(display).isEmpty()) {
            return;
        }
        Path p = toPath(dir);
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        watched.put(p.register(inotify, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY), dir);
        if (!plan.enters(display)) {
            return;
        }
        try (var children = Files.newDirectoryStream(p)) {
            for (Path c : children) {
                if (Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
                    registerTree(RawPaths.child(dir, bytesOf(c.getFileName())));
                }
            }
        }
    }

    private boolean relevant(byte[] dir) {
        String d = RawPaths.display(dir);
        return plan.enters(d) || !plan.attributes(d).isEmpty();
    }

    private void mark(byte[] path, boolean subtree) {
        if (dirty.isEmpty() && !overflow) {
            firstDirtyAt = System.nanoTime();
        }
        dirty.mark(path, subtree);
    }

    private void markOverflow() {
        if (dirty.isEmpty() && !overflow) {
            firstDirtyAt = System.nanoTime();
        }
        overflow = true;
    }

    /** A path's raw bytes: the file URI encodes them exactly, even where they are not UTF-8. */
    static byte[] bytesOf(Path p) {
        if (p.isAbsolute()) {
            return uriBytes(p.toUri().getRawPath());
        }
        byte[] abs = uriBytes(Path.of("/").resolve(p).toUri().getRawPath());
        return java.util.Arrays.copyOfRange(abs, 1, abs.length);
    }

    private static byte[] uriBytes(String raw) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        byte[] b = out.toByteArray();
        return b.length > 1 && b[b.length - 1] == '/' ? java.util.Arrays.copyOf(b, b.length - 1) : b;
    }

    static Path toPath(byte[] p) {
        StringBuilder sb = new StringBuilder("file://");
        for (byte b : p) {
            int c = Byte.toUnsignedInt(b);
            if (c >= 0x21 && c < 0x7f && c != '%' && c != '?' && c != '#' && c != '[' && c != ']' && c != '\\' && c != '"') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
        return Path.of(URI.create(sb.toString()));
    }

    public long events() {
        return events;
    }

    public long partialPasses() {
        return partialPasses;
    }

    public long fullPasses() {
        return fullPasses;
    }

    @Override
    public void close() throws IOException {
        if (fanotify != null) {
            fanotify.close();
        }
        if (inotify != null) {
            inotify.close();
        }
    }
}
