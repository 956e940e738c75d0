package dev.bulwark.authoring.whatif;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.engine.FactTypes;
import dev.bulwark.engine.loginspection.decoder.LogLineDecoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a replay reads: raw log lines (decoded by Bulwark's decoders, as an agent would) or
 * recorded facts as JSON lines, {@code {"LogEvent": {...}}} per line, the format of rule cases.
 * A line that cannot be read is reported with its number and skipped; the rest still replays.
 */
public final class ReplayInput {

    /** One fact to replay, and where it came from. */
    public record Item(String source, long line, Object fact) {
    }

    /** A line left out, with the reason. */
    public record Skipped(String source, long line, String reason) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** Lines longer than this are not facts anyone recorded; refused rather than parsed. */
    static final int MAX_LINE = 1 << 20;

    private ReplayInput() {
    }

    /** Every line of a log file, decoded. Invalid UTF-8 is replaced, never fatal. */
    public static void logLines(Path file, Consumer<Item> items) throws IOException {
        LogLineDecoder decoder = new LogLineDecoder();
        try (BufferedReader r = lenient(file)) {
            String line;
            long n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (!line.isEmpty()) {
                    items.accept(new Item(file.toString(), n, decoder.decode(line)));
                }
            }
        }
    }

    /** Every line of a JSON-lines fact file; unreadable lines go to {@code skipped}. */
    public static void factLines(Path file, Consumer<Item> items, Consumer<Skipped> skipped) throws IOException {
        try (BufferedReader r = lenient(file)) {
            String line;
            long n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                if (line.length() > MAX_LINE) {
                    skipped.accept(new Skipped(file.toString(), n, "line longer than " + MAX_LINE + " characters"));
                    continue;
                }
                try {
                    items.accept(new Item(file.toString(), n, fact(line)));
                } catch (IOException | IllegalArgumentException e) {
                    skipped.accept(new Skipped(file.toString(), n, e.getMessage()));
                }
            }
        }
    }

    /** UTF-8 with invalid bytes replaced: one bad byte costs its line (or a character of it), never the replay. */
    private static BufferedReader lenient(Path file) throws IOException {
        return new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)));
    }

    static Object fact(String line) throws IOException {
        JsonNode n = JSON.readTree(line);
        if (n == null || !n.isObject() || n.size() != 1) {
            throw new IllegalArgumentException("expected one object {\"TypeName\": {fields}}, as in rule cases");
        }
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        Map.Entry<String, JsonNode> only = it.next();
        Class<?> type = FactTypes.bySimpleName(only.getKey()).orElseThrow(() -> new IllegalArgumentException(
                "unknown fact type '" + only.getKey() + "'; known: " + FactTypes.simpleNames()));
        return JSON.treeToValue(only.getValue(), type);
    }
}
