package dev.bulwark.authoring.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.engine.build.KnowledgeBaseCompiler;
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
 * Every saved version of every rule, with author and time: append-only, one JSON-lines file per
 * rule id ({@code history/li-ssh-0001.jsonl}), each line written and forced to disk before the
 * call returns. A line torn by a crash (the last one, without its newline) is ignored when read;
 * damage anywhere else is reported with the file and line, never guessed around. In memory for
 * catalogs that are not kept.
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
    private final Path dir;
    private final Map<String, List<Version>> cache = new HashMap<>();

    private RuleHistory(Path dir) {
        this.dir = dir;
    }

    public static RuleHistory inMemory() {
        return new RuleHistory(null);
    }

    public static RuleHistory in(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new RuleHistory(dir);
    }

    /** Every version of a rule, oldest first; empty for a rule never saved. */
    public synchronized List<Version> versions(String id) throws IOException {
        List<Version> cached = cache.get(key(id));
        if (cached == null) {
            cached = dir == null ? new ArrayList<>() : read(file(id));
            cache.put(key(id), cached);
        }
        return List.copyOf(cached);
    }

    public Optional<Version> latest(String id) throws IOException {
        List<Version> all = versions(id);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
    }

    public Optional<Version> version(String id, int version) throws IOException {
        return versions(id).stream().filter(v -> v.version() == version).findFirst();
    }

    /** Appends {@code rule} as {@code version}, which must be above every saved one. */
    public synchronized Version record(CatalogRule rule, int version, String author) throws IOException {
        List<Version> all = new ArrayList<>(versions(rule.id()));
        if (!all.isEmpty() && all.getLast().version() >= version) {
            throw new IllegalArgumentException(rule.id() + ": version " + version + " is not above the saved " + all.getLast().version());
        }
        Version v = new Version(rule.id(), version, author == null || author.isBlank() ? "unknown" : author, Instant.now().toString(),
                rule.contentFingerprint(), rule.withVersion(version));
        if (dir != null) {
            byte[] line = (MAPPER.writeValueAsString(v) + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(file(rule.id()), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer b = ByteBuffer.wrap(line);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
        }
        all.add(v);
        cache.put(key(rule.id()), all);
        return v;
    }

    private static List<Version> read(Path file) throws IOException {
        List<Version> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            boolean last = i == lines.length - 1;
            if (line.isEmpty()) {
                continue;
            }
            try {
                out.add(MAPPER.readValue(line, Version.class));
            } catch (IOException e) {
                if (last) {
                    break; // torn by a crash mid-write: that version was never acknowledged
                }
                throw new IOException(file + ":" + (i + 1) + ": a damaged history line (" + e.getMessage().lines().findFirst().orElse("")
                        + "); the history of this rule needs repair from a backup", e);
            }
        }
        return out;
    }

    private Path file(String id) {
        if (!KnowledgeBaseCompiler.ID_FORMAT.matcher(id).matches()) {
            throw new IllegalArgumentException("'" + id + "' is not a rule id; history is kept only for ids like PREFIX-NAME-0001");
        }
        return dir.resolve(key(id) + ".jsonl");
    }

    private static String key(String id) {
        return id.toLowerCase(Locale.ROOT);
    }
}
