package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.engine.FactTypes;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads facts from JSON lines: {@code {"type": "LogEvent", "fact": {...record fields...}}}. A bad
 * line is reported with its number and skipped; the good ones are kept. Lines longer than
 * {@link #MAX_LINE} characters are refused without being parsed.
 */
public final class FactLines {

    public static final int MAX_LINE = 1 << 20;
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** @param line 1-based */
    public record BadLine(String source, int line, String message) {
        @Override
        public String toString() {
            return source + ":" + line + ": " + message;
        }
    }

    public record Parsed(List<Object> facts, List<BadLine> bad) {
    }

    private FactLines() {
    }

    public static Parsed read(BufferedReader in, String source) throws IOException {
        List<Object> facts = new ArrayList<>();
        List<BadLine> bad = new ArrayList<>();
        String line;
        int n = 0;
        while ((line = in.readLine()) != null) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.length() > MAX_LINE) {
                bad.add(new BadLine(source, n, "line of " + line.length() + " characters exceeds " + MAX_LINE));
                continue;
            }
            try {
                JsonNode node = MAPPER.readTree(line);
                String type = node.path("type").asText("");
                Optional<Class<?>> cls = FactTypes.bySimpleName(type);
                if (cls.isEmpty()) {
                    bad.add(new BadLine(source, n, "unknown fact type '" + type + "'; use one of " + FactTypes.simpleNames()));
                    continue;
                }
                if (!node.has("fact") || !node.get("fact").isObject()) {
                    bad.add(new BadLine(source, n, "missing object field 'fact'"));
                    continue;
                }
                facts.add(MAPPER.treeToValue(node.get("fact"), cls.get()));
            } catch (IOException | IllegalArgumentException e) {
                String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                int nl = msg.indexOf('\n');
                bad.add(new BadLine(source, n, "not a valid fact: " + (nl < 0 ? msg : msg.substring(0, nl))));
            }
        }
        return new Parsed(facts, bad);
    }
}
