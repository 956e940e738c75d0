package dev.bulwark.agent.appcontrol;

import dev.bulwark.agent.linux.NativeFiles.Stat;
import dev.bulwark.agent.store.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The allowlist: every executable recorded when application control was enabled (or admitted in a
 * maintenance window), by path, with its SHA-256, size, owner, mode, owning package and the stat
 * stamp it had (device, inode, size, mtime, ctime). An exec whose file still has the recorded stamp
 * is known without hashing; a different stamp is hashed and compared. Kept as one TSV file
 * ({@code <state>/appcontrol/inventory.tsv}) written atomically. Thread-safe.
 */
public final class ExecInventory {

    /**
     * One recorded executable.
     *
     * @param packageName      the dpkg package that owns the path, or null
     * @param packageMismatch  true when dpkg records other content for it (flagged at inventory time)
     */
    public record Entry(String path, String sha256, long size, int uid, int mode, String packageName, boolean packageMismatch,
                        long device, long inode, long mtime, long ctime) {

        public boolean sameStamp(Stat s) {
            return s.device() == device && s.inode() == inode && s.size() == size && s.mtime() == mtime && s.ctime() == ctime;
        }

        static Entry of(String path, String sha256, Stat s, String pkg, boolean mismatch) {
            return new Entry(path, sha256, s.size(), s.uid(), s.mode() & 07777, pkg, mismatch, s.device(), s.inode(), s.mtime(), s.ctime());
        }
    }

    public static final String FILE = "inventory.tsv";

    private final Map<String, Entry> byPath = new TreeMap<>();
    private final Map<String, Integer> hashes = new HashMap<>();

    public synchronized void put(Entry e) {
        Entry old = byPath.put(e.path(), e);
        if (old != null) {
            hashes.computeIfPresent(old.sha256(), (k, n) -> n <= 1 ? null : n - 1);
        }
        hashes.merge(e.sha256(), 1, Integer::sum);
    }

    public synchronized Entry get(String path) {
        return byPath.get(path);
    }

    public synchronized boolean containsHash(String sha256) {
        return hashes.containsKey(sha256);
    }

    public synchronized int size() {
        return byPath.size();
    }

    public synchronized Collection<Entry> entries() {
        return java.util.List.copyOf(byPath.values());
    }

    public synchronized long packageMismatches() {
        return byPath.values().stream().filter(Entry::packageMismatch).count();
    }

    /** Saves atomically: a crash leaves the previous inventory. */
    public synchronized void save(Path file) throws IOException {
        StringBuilder sb = new StringBuilder(byPath.size() * 160);
        sb.append("# path\tsha256\tsize\tuid\tmode\tpackage\tmismatch\tdevice\tinode\tmtime\tctime\n");
        for (Entry e : byPath.values()) {
            sb.append(escape(e.path())).append('\t').append(e.sha256()).append('\t').append(e.size()).append('\t').append(e.uid()).append('\t')
                    .append(Integer.toOctalString(e.mode())).append('\t').append(e.packageName() == null ? "-" : escape(e.packageName())).append('\t')
                    .append(e.packageMismatch() ? 1 : 0).append('\t').append(e.device()).append('\t').append(e.inode()).append('\t')
                    .append(e.mtime()).append('\t').append(e.ctime()).append('\n');
        }
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Loads a saved inventory; a damaged line is an error naming it (the inventory is the allowlist: nothing is guessed). */
    public static ExecInventory load(Path file) throws IOException {
        ExecInventory inv = new ExecInventory();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            try {
                if (f.length != 11 || !f[1].matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException("expected 11 fields with a SHA-256");
                }
                inv.put(new Entry(unescape(f[0]), f[1], Long.parseLong(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4], 8),
                        f[5].equals("-") ? null : unescape(f[5]), f[6].equals("1"), Long.parseLong(f[7]), Long.parseLong(f[8]),
                        Long.parseLong(f[9]), Long.parseLong(f[10])));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + n + ": damaged inventory line (" + e.getMessage()
                        + "); rebuild it with 'bulwark-agent appcontrol inventory'");
            }
        }
        return inv;
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    static String unescape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char d = s.charAt(++i);
                sb.append(d == 't' ? '\t' : d == 'n' ? '\n' : d);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
