package dev.bulwark.engine.loginspection.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * systemd journal entries in {@code journalctl -o json} form, as the agent reads them live and as
 * they appear in exported files: each becomes the syslog line the decoders read
 * ({@code 2026-11-26T07:00:00.123456Z host ident[pid]: message}).
 */
public final class JournalEntries {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JournalEntries() {
    }

    /** True when the line looks like a journal entry (cheap test before parsing). */
    static boolean looksLikeEntry(String line) {
        return line.startsWith("{") && line.contains("\"__REALTIME_TIMESTAMP\"");
    }

    /** Parses one {@code journalctl -o json} line; empty when it is not a journal entry. */
    public static Optional<JsonNode> parse(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            return n != null && n.isObject() && n.has("__REALTIME_TIMESTAMP") ? Optional.of(n) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A journal entry as an RFC 3339 syslog line: time, host, identifier[pid]: message. */
    public static String toSyslogLine(JsonNode e) {
        long micros = e.path("__REALTIME_TIMESTAMP").asLong(0);
        Instant t = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
        String host = text(e, "_HOSTNAME", "localhost");
        String ident = text(e, "SYSLOG_IDENTIFIER", text(e, "_COMM", "journal"));
        String pid = text(e, "SYSLOG_PID", text(e, "_PID", null));
        return t + " " + host + " " + ident + (pid == null ? "" : "[" + pid + "]") + ": " + message(e.path("MESSAGE"));
    }

    private static String text(JsonNode e, String field, String fallback) {
        JsonNode n = e.get(field);
        return n == null || n.isNull() ? fallback : n.isArray() ? message(n) : n.asText();
    }

    /** journalctl prints binary or invalid-UTF-8 fields as arrays of byte values. */
    private static String message(JsonNode m) {
        if (m == null || m.isNull() || m.isMissingNode()) {
            return "";
        }
        if (m.isArray()) {
            byte[] b = new byte[m.size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) m.get(i).asInt();
            }
            return new String(b, StandardCharsets.UTF_8);
        }
        return m.asText();
    }
}
