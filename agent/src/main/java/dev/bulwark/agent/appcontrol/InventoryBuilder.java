package dev.bulwark.agent.appcontrol;

import dev.bulwark.agent.linux.NativeFiles;
import dev.bulwark.agent.linux.NativeFiles.Dirent;
import dev.bulwark.agent.linux.NativeFiles.NativeFileException;
import dev.bulwark.agent.linux.NativeFiles.OpenedFile;
import dev.bulwark.agent.linux.NativeFiles.Stat;
import dev.bulwark.agent.packages.PackageFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Builds the {@link ExecInventory}: every ELF file (programs and shared objects) and every script
 * with a shebang and an execute bit under the roots, on local file systems only (proc, sysfs,
 * devtmpfs, tmpfs, cgroup and the other pseudo or memory file systems are not entered, nor is the
 * agent's own state), never following symlinks. Each is hashed (SHA-256); a file dpkg or rpm owns is
 * checked against the digest its package manager recorded for it, and a mismatch is flagged in its entry.
 */
public final class InventoryBuilder {

    /** File system types that hold no installed software. */
    static final Set<String> PSEUDO = Set.of("proc", "sysfs", "devtmpfs", "devpts", "tmpfs", "cgroup", "cgroup2", "securityfs", "debugfs",
            "tracefs", "pstore", "bpf", "mqueue", "hugetlbfs", "configfs", "fusectl", "autofs", "binfmt_misc", "nsfs", "efivarfs", "ramfs",
            "rpc_pipefs", "overlay-proc", "selinuxfs");

    /** What a build saw. */
    public record Stats(long files, long executables, long bytes, long mismatches, long unreadable, double seconds) {
    }

    private final List<String> skip;
    private final PackageFiles.Source packageSource;

    /** {@code dpkgInfo}: dpkg's database only (tests); see {@link #InventoryBuilder(List, PackageFiles.Source)}. */
    public InventoryBuilder(List<String> skip, Path dpkgInfo) {
        this(skip, new PackageFiles.Source(dpkgInfo, null, null));
    }

    /** {@code skip}: trees not entered (the agent's state); {@code packages}: the package databases to check files against. */
    public InventoryBuilder(List<String> skip, PackageFiles.Source packages) {
        this.skip = skip;
        this.packageSource = packages;
    }

    /** Inventories everything under {@code roots} with {@code threads} hashing threads. */
    public Stats build(List<String> roots, ExecInventory into, int threads) throws IOException {
        long start = System.nanoTime();
        PackageFiles packages = packageSource.read();
        Set<Long> pseudoDevices = pseudoDevices();
        List<byte[]> candidates = new ArrayList<>();
        long[] seen = {0, 0};
        for (String root : roots) {
            walk(root, pseudoDevices, candidates, seen);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        long[] counts = new long[4]; // executables, bytes, mismatches, unreadable
        try {
            List<Future<?>> work = new ArrayList<>();
            int chunk = Math.max(64, candidates.size() / (threads * 8 + 1));
            for (int i = 0; i < candidates.size(); i += chunk) {
                List<byte[]> part = candidates.subList(i, Math.min(candidates.size(), i + chunk));
                work.add(pool.submit(() -> {
                    for (byte[] p : part) {
                        ExecInventory.Entry e = examine(p, packages);
                        synchronized (counts) {
                            if (e == null) {
                                continue;
                            }
                            if (e.path() == null) {
                                counts[3]++;
                                continue;
                            }
                            into.put(e);
                            counts[0]++;
                            counts[1] += e.size();
                            counts[2] += e.packageMismatch() ? 1 : 0;
                        }
                    }
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } catch (Exception e) {
            throw new IOException("inventory failed: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
        return new Stats(seen[0], counts[0], counts[1], counts[2], counts[3], (System.nanoTime() - start) / 1e9);
    }

    private static final ExecInventory.Entry UNREADABLE = new ExecInventory.Entry(null, null, 0, 0, 0, null, false, 0, 0, 0, 0);

    /** The entry for an executable, null for a file that is not one, {@link #UNREADABLE} for one that could not be read. */
    static ExecInventory.Entry examine(byte[] path, PackageFiles packages) {
        try (OpenedFile f = OpenedFile.open(path)) {
            Stat st = f.stat();
            if (!st.isRegular() || st.size() < 4) {
                return null;
            }
            if (!isExecutable(f, st)) {
                return null;
            }
            String p = new String(path, StandardCharsets.UTF_8);
            String sha = HexFormat.of().formatHex(f.sha256());
            PackageFiles.Owned owned = packages.owner(p);
            boolean mismatch = owned != null && owned.digest() != null
                    && !owned.matches(owned.algorithm().equals("SHA-256") ? sha : digest(path, owned.algorithm()));
            return ExecInventory.Entry.of(p, sha, st, owned == null ? null : owned.packageName(), mismatch);
        } catch (NativeFileException e) {
            return e.vanished() || e.getMessage().contains("not a regular") ? null : UNREADABLE;
        }
    }

    /** The file's digest with the algorithm its package manager used (lower-case hex). */
    static String digest(byte[] path, String algorithm) throws NativeFileException {
        try (NativeFiles.Hasher h = new NativeFiles.Hasher(algorithm)) {
            return HexFormat.of().formatHex(h.sha256(path).sha256());
        }
    }

    /** ELF (any mode: shared objects need no execute bit) or a shebang script with an execute bit. */
    static boolean isExecutable(OpenedFile f, Stat st) throws NativeFileException {
        byte[] head = new byte[4];
        int n = f.readInto(head);
        if (n < 4) {
            return false;
        }
        if (head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
            return true;
        }
        return head[0] == '#' && head[1] == '!' && (st.mode() & 0111) != 0;
    }

    private void walk(String root, Set<Long> pseudo, List<byte[]> out, long[] seen) {
        Deque<byte[]> dirs = new ArrayDeque<>();
        dirs.push(root.getBytes(StandardCharsets.UTF_8));
        while (!dirs.isEmpty()) {
            byte[] dir = dirs.pop();
            String ds = new String(dir, StandardCharsets.UTF_8);
            if (skip.stream().anyMatch(s -> ds.equals(s) || ds.startsWith(s + "/"))) {
                continue;
            }
            try {
                if (pseudo.contains(NativeFiles.stat(dir, false).device())) {
                    continue;
                }
            } catch (NativeFileException e) {
                continue;
            }
            List<Dirent> entries;
            try {
                entries = NativeFiles.list(dir);
            } catch (NativeFileException e) {
                continue;
            }
            for (Dirent d : entries) {
                byte[] child = new byte[dir.length + 1 + d.name().length];
                System.arraycopy(dir, 0, child, 0, dir.length);
                int off = dir.length;
                if (dir.length == 1 && dir[0] == '/') {
                    child = new byte[1 + d.name().length];
                    child[0] = '/';
                    off = 0;
                } else {
                    child[off] = '/';
                }
                System.arraycopy(d.name(), 0, child, off + 1, d.name().length);
                int type = d.type();
                if (type == NativeFiles.DT_UNKNOWN) {
                    try {
                        Stat s = NativeFiles.stat(child, false);
                        type = s.isDirectory() ? NativeFiles.DT_DIR : s.isSymlink() ? NativeFiles.DT_LNK : 8;
                    } catch (NativeFileException e) {
                        continue;
                    }
                }
                if (type == NativeFiles.DT_DIR) {
                    dirs.push(child);
                } else if (type == 8) {
                    seen[0]++;
                    out.add(child);
                }
            }
        }
    }

    /** Devices of mounted pseudo and memory file systems, from /proc/self/mounts. */
    static Set<Long> pseudoDevices() {
        Set<Long> out = new HashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length >= 3 && PSEUDO.contains(f[2])) {
                    try {
                        out.add(NativeFiles.stat(f[1].replace("\\040", " ").getBytes(StandardCharsets.UTF_8), false).device());
                    } catch (NativeFileException e) {
                        // gone, or not ours to see
                    }
                }
            }
        } catch (IOException e) {
            // no /proc: nothing known to skip
        }
        return out;
    }
}
