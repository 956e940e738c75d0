package dev.bulwark.authoring.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every saved version of every rule, with author and time: one append-only JSON-lines file
 * ({@code history.jsonl}), read once when opened. A {@link Batch} collects the versions of one
 * catalog change and appends them in one write, forced to disk before the change is committed to
 * the index, so 20,000 new rules cost one fsync, not 20,000. A line torn by a crash (the last
 * one, without its newline) is ignored and cut off before the next append; damage anywhere else
 * is reported with the line, never guessed around. In memory for catalogs that are not kept.
 */
public final class RuleHistory {

    /**
     * One saved version.
     *
     * @param at          when it was saved, ISO-8601 UTC
     * @param fingerprint the content's ({@link CatalogRule#contentFingerprint})
     */
    public record Version(String id, int version, String author, String at, String fingerprint, CatalogRule rule) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Path file;
    private final Map<String, List<Version>> byId = new HashMap<>();
    private long validBytes;

    private RuleHistory(Path file) {
        this.file = file;
    }

    public static RuleHistory inMemory() {
        return new RuleHistory(null);
    }

    /** The history kept in {@code dir/history.jsonl} (created when missing). */
    public static RuleHistory in(Path dir) throws IOException {
        Files.createDirectories(dir);
        RuleHistory h = new RuleHistory(dir.resolve("history.jsonl"));
        h.load();
        return h;
    }

    /** Every version of a rule, oldest first; empty for a rule never saved. */
    public synchronized List<Version> versions(String id) {
        return List.copyOf(byId.getOrDefault(key(id), List.of()));
    }

    public synchronized Optional<Version> latest(String id) {
        List<Version> all = byId.get(key(id));
        return all == null || all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
    }

    /** Starts collecting the versions of one change. */
    public Batch batch() {
        return new Batch();
    }

    /** Versions to save together; nothing is visible or written until {@link #commit}. */
    public final class Batch {
        private final List<Version> pending = new ArrayList<>();
        private final Map<String, Version> latestPending = new HashMap<>();

        /** The saved (or already pending) version with this content, or a new pending one by {@code author}. */
        public int versionFor(CatalogRule rule, String author) {
            Version latest = latestOf(rule.id());
            if (latest != null && latest.fingerprint().equals(rule.contentFingerprint())) {
                return latest.version();
            }
            return add(rule, latest == null ? 1 : latest.version() + 1, author);
        }

        /** Saves {@code rule} as {@code version} unless a version that high is saved already. */
        public void keep(CatalogRule rule, String author) {
            Version latest = latestOf(rule.id());
            if (latest == null || latest.version() < rule.version()) {
                add(rule, rule.version(), author);
            }
        }

        /** The newest version, pending in this batch or saved; null for a rule never saved. */
        private Version latestOf(String id) {
            Version pendingOne = latestPending.get(key(id));
            return pendingOne != null ? pendingOne : latest(id).orElse(null);
        }

        private int add(CatalogRule rule, int version, String author) {
            Version v = new Version(rule.id(), version, author == null || author.isBlank() ? "unknown" : author, Instant.now().toString(),
                    rule.contentFingerprint(), rule.withVersion(version));
            pending.add(v);
            latestPending.put(key(rule.id()), v);
            return version;
        }

        /** Appends every pending version in one write, forced to disk, then makes them visible. */
        public void commit() throws IOException {
            if (pending.isEmpty()) {
                return;
            }
            synchronized (RuleHistory.this) {
                if (file != null) {
                    StringBuilder lines = new StringBuilder();
                    for (Version v : pending) {
                        lines.append(MAPPER.writeValueAsString(v)).append('\n');
                    }
                    byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                        ch.truncate(validBytes); // drop a line a crash tore, so the new ones start on a line of their own
                        ch.position(validBytes);
                        ByteBuffer b = ByteBuffer.wrap(bytes);
                        while (b.hasRemaining()) {
                            ch.write(b);
                        }
                        ch.force(true);
                    }
                    validBytes += bytes.length;
                }
                for (Version v : pending) {
                    byId.computeIfAbsent(key(v.id()), k -> new ArrayList<>()).add(v);
                }
                pending.clear();
                latestPending.clear();
            }
        }
    }

    private void load() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        byte[] all = Files.readAllBytes(file);
        int start = 0;
        long lineNo = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] != '\n') {
                continue;
            }
            lineNo++;
            String line = new String(all, start, i - start, StandardCharsets.UTF_8);
            if (!line.isEmpty()) {
                Version v;
                try {
                    v = MAPPER.readValue(line, Version.class);
                } catch (IOException e) {
                    throw new IOException(file + ":" + lineNo + ": a damaged history line (" + e.getMessage().lines().findFirst().orElse("")
                            + "); restore the history from a backup", e);
                }
                byId.computeIfAbsent(key(v.id()), k -> new ArrayList<>()).add(v);
            }
            start = i + 1;
        }
        // bytes after the last newline are a line torn by a crash mid-write: that change was never acknowledged
        validBytes = start;
    }

    private static String key(String id) {
        return id.toLowerCase(Locale.ROOT);
    }
}
