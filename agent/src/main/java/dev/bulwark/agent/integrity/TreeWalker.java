package dev.bulwark.agent.integrity;

import dev.bulwark.agent.linux.NativeFiles;
import dev.bulwark.agent.linux.NativeFiles.NativeFileException;
import dev.bulwark.agent.linux.NativeFiles.Stat;
import dev.bulwark.engine.integrity.FileAttribute;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Walks a {@link MonitorPlan} depth first with each directory's entries sorted, yielding the
 * entries to record in {@link RawPaths#compare} order. Never follows a symlink unless a spec asks
 * (and then never into a directory already on the current path: symlink loops end there), never
 * opens anything but directories, and does not enter pseudo file systems ({@code /proc},
 * {@code /sys}, ...) unless a root lies inside one. Memory: one sorted name list per level.
 */
public final class TreeWalker {

    /**
     * One entry to record. {@code stat} is {@code null} when the walk did not need it (a file the
     * directory listing already typed): the pass stats it on a worker thread. {@code error} says
     * why a directory could not be listed.
     */
    public record Walked(byte[] path, String display, Stat stat, Set<FileAttribute> attributes, String error) {
    }

    private static final Set<String> PSEUDO_FS = Set.of("proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "debugfs",
            "tracefs", "securityfs", "pstore", "bpf", "configfs", "fusectl", "mqueue", "hugetlbfs", "autofs", "binfmt_misc",
            "efivarfs", "rpc_pipefs", "nsfs");

    /**
     * Where a walk starts and how far below it goes: -1 the whole subtree, 0 the entry only,
     * 1 its direct entries.
     */
    public record Start(byte[] path, int depth) {
    }

    private record Frame(byte[] dir, List<NativeFiles.Dirent> names, long device, long inode, int[] next, int depthLeft) {
    }

    private final MonitorPlan plan;
    private final List<Start> starts;
    private final BiConsumer<String, String> warnings;
    private final Set<String> pseudoMounts;
    private final Deque<Frame> stack = new ArrayDeque<>();
    private int rootIndex;

    /** @param warnings receives (path, problem) for entries that could not be read */
    public TreeWalker(MonitorPlan plan, BiConsumer<String, String> warnings) {
        this(plan, plan.roots().stream().map(r -> new Start(r, -1)).toList(), warnings);
    }

    /** A walk of some parts of the plan only; {@code starts} in walk order, none inside a whole-subtree start before it. */
    public TreeWalker(MonitorPlan plan, List<Start> starts, BiConsumer<String, String> warnings) {
        this.plan = plan;
        this.starts = List.copyOf(starts);
        this.warnings = warnings;
        this.pseudoMounts = pseudoMounts();
    }

    /** The next entry to record, or {@code null} at the end. */
    public Walked next() {
        while (true) {
            if (stack.isEmpty()) {
                if (rootIndex >= starts.size()) {
                    return null;
                }
                Start start = starts.get(rootIndex++);
                Walked w = visit(start.path(), NativeFiles.DT_UNKNOWN, true, start.depth());
                if (w != null) {
                    return w;
                }
                continue;
            }
            Frame top = stack.peek();
            if (top.next()[0] >= top.names().size()) {
                stack.pop();
                continue;
            }
            NativeFiles.Dirent entry = top.names().get(top.next()[0]++);
            Walked w = visit(RawPaths.child(top.dir(), entry.name()), entry.type(), false, top.depthLeft() < 0 ? -1 : top.depthLeft() - 1);
            if (w != null) {
                return w;
            }
        }
    }

    private Walked visit(byte[] path, int type, boolean root, int depthLeft) {
        String display = RawPaths.display(path);
        Set<FileAttribute> attrs = plan.attributes(display);
        boolean maybeDirectory = type == NativeFiles.DT_DIR || type == NativeFiles.DT_UNKNOWN
                || type == NativeFiles.DT_LNK && plan.follows(display);
        if (!maybeDirectory) {
            // Typed by the listing and not a directory: nothing to enter, and the stat can wait
            // for a worker thread, or is not needed at all.
            return attrs.isEmpty() ? null : new Walked(path, display, null, attrs, null);
        }
        Stat st;
        try {
            st = NativeFiles.stat(path, false);
        } catch (NativeFileException e) {
            if (!e.vanished()) {
                warnings.accept(display, e.getMessage());
            }
            return null;
        }
        if (st.isSymlink() && plan.follows(display)) {
            try {
                st = NativeFiles.stat(path, true);
            } catch (NativeFileException e) {
                // Dangling or looping link: recorded as the link itself.
            }
        }
        String error = null;
        if (st.isDirectory() && depthLeft != 0 && plan.enters(display) && (root || !pseudoMounts.contains(display))) {
            if (onStack(st)) {
                warnings.accept(display, "symlink loop: this directory is already being walked; not entered again");
            } else {
                try {
                    stack.push(new Frame(path, NativeFiles.list(path), st.device(), st.inode(), new int[1], depthLeft));
                } catch (NativeFileException e) {
                    if (e.vanished()) {
                        return null;
                    }
                    error = e.getMessage();
                    warnings.accept(display, error);
                }
            }
        }
        return attrs.isEmpty() ? null : new Walked(path, display, st, attrs, error);
    }

    private boolean onStack(Stat dir) {
        for (Frame f : stack) {
            if (f.device() == dir.device() && f.inode() == dir.inode()) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> pseudoMounts() {
        Set<String> out = new HashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                if (f.length >= 3 && PSEUDO_FS.contains(f[2])) {
                    out.add(f[1].replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\"));
                }
            }
        } catch (IOException e) {
            out.addAll(List.of("/proc", "/sys", "/dev"));
        }
        return out;
    }
}
