package dev.bulwark.agent.appcontrol;

import dev.bulwark.agent.store.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an admin decided on this host: approve or block an executable by SHA-256 or by path
 * ({@code <state>/appcontrol/decisions.tsv}). A block wins over an approval of the same file.
 * The rules see the outcome as the exec's inventory status ({@code approved}, {@code blocked}).
 */
public final class AdminDecisions {

    /** One decision. {@code kind} is {@code hash} or {@code path}. */
    public record Decision(boolean approve, String kind, String value, String note) {
    }

    public static final String FILE = "decisions.tsv";

    private final List<Decision> decisions = new ArrayList<>();

    public static AdminDecisions load(Path file) throws IOException {
        AdminDecisions d = new AdminDecisions();
        if (!Files.exists(file)) {
            return d;
        }
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 4 || !(f[0].equals("approve") || f[0].equals("block")) || !(f[1].equals("hash") || f[1].equals("path"))) {
                throw new IOException(file + ":" + n + ": expected approve|block, hash|path, value, note");
            }
            d.decisions.add(new Decision(f[0].equals("approve"), f[1], ExecInventory.unescape(f[2]), ExecInventory.unescape(f[3])));
        }
        return d;
    }

    public synchronized void add(Decision d) {
        if (d.kind().equals("hash") && !d.value().matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a SHA-256 is 64 lower-case hex digits: " + d.value());
        }
        if (d.kind().equals("path") && !d.value().startsWith("/")) {
            throw new IllegalArgumentException("a path must be absolute: " + d.value());
        }
        decisions.removeIf(x -> x.kind().equals(d.kind()) && x.value().equals(d.value()));
        decisions.add(d);
    }

    public synchronized void save(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("# approve|block\thash|path\tvalue\tnote\n");
        for (Decision d : decisions) {
            sb.append(d.approve() ? "approve" : "block").append('\t').append(d.kind()).append('\t').append(ExecInventory.escape(d.value()))
                    .append('\t').append(ExecInventory.escape(d.note())).append('\n');
        }
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code blocked}, {@code approved} or null for an executable with this path and hash. */
    public synchronized String statusOf(String path, String sha256) {
        boolean approved = false;
        for (Decision d : decisions) {
            boolean match = d.kind().equals("hash") ? d.value().equals(sha256) : d.value().equals(path);
            if (match && !d.approve()) {
                return "blocked";
            }
            approved |= match;
        }
        return approved ? "approved" : null;
    }

    /**
     * Adds one decision to the decisions file in {@code dir} (read, changed, replaced atomically): what
     * {@code appcontrol approve|block} and the manager's approve and block commands do. A running
     * enforcement reads the file again when it changes.
     */
    public static Decision record(Path dir, Decision d) throws IOException {
        synchronized (AdminDecisions.class) {
            Path f = dir.resolve(FILE);
            AdminDecisions all = load(f);
            all.add(d);
            all.save(f);
            return d;
        }
    }

    /**
     * Whether a block names a path: then no executable is trusted in the kernel, since a hard link
     * to a trusted inode at the blocked path would be let through by the inode's mark.
     */
    public synchronized boolean blocksByPath() {
        return decisions.stream().anyMatch(d -> !d.approve() && d.kind().equals("path"));
    }

    public synchronized List<Decision> all() {
        return List.copyOf(decisions);
    }
}
