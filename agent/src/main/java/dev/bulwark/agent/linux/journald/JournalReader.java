package dev.bulwark.agent.linux.journald;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.engine.loginspection.decoder.JournalEntries;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads journal entries after a cursor with {@code journalctl -o json --after-cursor}, at most a
 * bounded number per call, and turns each into a line the log decoders read
 * ({@code 2026-11-26T07:00:00.123456Z host ident[pid]: message}). The cursor of the last entry read
 * is kept for the caller to persist once the entry's results are safe. Entries become lines through
 * {@link JournalEntries}, the same conversion the decoder applies to exported journal files. Without a cursor, reading
 * starts at the journal's current end (or its beginning, when asked). Not thread-safe.
 */
public final class JournalReader {

    /** One entry as a line, and the cursor just after it. */
    public record Entry(String line, String cursor) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> source;
    private final int maxEntriesPerRead;
    private String cursor;

    /**
     * @param source    extra journalctl arguments choosing the journal ({@code --file F}, {@code --directory D}), or none for the system journal
     * @param cursor    where an earlier run stopped, or null
     * @param fromStart with no cursor: read the whole journal instead of starting at its end
     */
    public JournalReader(List<String> source, String cursor, boolean fromStart, int maxEntriesPerRead) throws IOException {
        this.source = List.copyOf(source);
        this.maxEntriesPerRead = maxEntriesPerRead;
        this.cursor = cursor;
        if (cursor == null && !fromStart) {
            // start at the end: the last entry's cursor (none if the journal is empty, and then all of it is new)
            List<String> last = run(List.of("-n", "1"), 1, e -> { });
            this.cursor = last.isEmpty() ? null : last.get(0);
        }
    }

    /** Journal selection for a journal directory or file, as given on the command line. */
    public static List<String> sourceFor(Path directory, Path file) {
        if (file != null) {
            return List.of("--file", file.toString());
        }
        if (directory != null) {
            return List.of("--directory", directory.toString());
        }
        return List.of();
    }

    public String cursor() {
        return cursor;
    }

    /** Delivers the entries after the cursor (at most the bound); returns how many. */
    public int read(Consumer<Entry> out) throws IOException {
        List<String> args = cursor == null ? List.of() : List.of("--after-cursor=" + cursor);
        List<String> cursors = run(args, maxEntriesPerRead, out);
        if (!cursors.isEmpty()) {
            cursor = cursors.get(cursors.size() - 1);
        }
        return cursors.size();
    }

    private List<String> run(List<String> extra, int max, Consumer<Entry> out) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("journalctl", "-o", "json", "--no-pager", "-q"));
        cmd.addAll(source);
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        List<String> cursors = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String json;
            while (cursors.size() < max && (json = r.readLine()) != null) {
                JsonNode e;
                try {
                    e = JSON.readTree(json);
                } catch (IOException bad) {
                    continue; // journalctl prints one JSON object per line; anything else is not an entry
                }
                String c = e.path("__CURSOR").asText(null);
                if (c == null) {
                    continue;
                }
                cursors.add(c);
                out.accept(new Entry(JournalEntries.toSyslogLine(e), c));
            }
        } finally {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        return cursors;
    }
}
