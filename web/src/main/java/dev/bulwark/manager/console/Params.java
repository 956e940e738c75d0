package dev.bulwark.manager.console;

import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.events.EventStore;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * Query parameters of the console's pages, read as hostile text: each is checked and turned into its
 * type here, and a malformed one is refused (400) with its name and what it should look like.
 * Empty means absent, so a form's blank fields filter nothing.
 */
final class Params {
    private Params() {
    }

    static String text(String name, String value, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.length() > max) {
            throw ApiException.badRequest("bad-parameter", name, name + " has at most " + max + " characters");
        }
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i))) {
                throw ApiException.badRequest("bad-parameter", name, name + " must not contain control characters");
            }
        }
        return v;
    }

    /** An identifier-like value (computer id, rule id, module). */
    static String token(String name, String value) {
        String v = text(name, value, 100);
        if (v != null && !v.matches("[A-Za-z0-9._:|@-]+")) {
            throw ApiException.badRequest("bad-parameter", name, name + " takes letters, digits and . _ : | @ - only");
        }
        return v;
    }

    static String severity(String value) {
        String v = text("severity", value, 20);
        if (v == null) {
            return null;
        }
        v = v.toLowerCase(Locale.ROOT);
        if (!EventStore.severities().contains(v)) {
            throw ApiException.badRequest("bad-parameter", "severity", "severity is one of " + String.join(", ", EventStore.severities()));
        }
        return v;
    }

    static long number(String name, String value, long min, long max, long absent) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n < min || n > max) {
                throw ApiException.badRequest("bad-parameter", name, name + " is a number from " + min + " to " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("bad-parameter", name, name + " is a number from " + min + " to " + max);
        }
    }

    /** A time from a form: an ISO-8601 instant, or the browser's {@code datetime-local} value read as UTC. */
    static Instant time(String name, String value) {
        String v = text(name, value, 40);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw ApiException.badRequest("bad-parameter", name, name + " is a time such as 2026-12-05T10:15 (UTC) or 2026-12-05T10:15:30Z");
            }
        }
    }

    /** A lookback such as {@code 24h} or {@code 7d}, one of the offered ranges. */
    static Duration range(String value) {
        String v = value == null || value.isBlank() ? "24h" : value.strip();
        return switch (v) {
            case "1h" -> Duration.ofHours(1);
            case "24h" -> Duration.ofHours(24);
            case "7d" -> Duration.ofDays(7);
            case "30d" -> Duration.ofDays(30);
            default -> throw ApiException.badRequest("bad-parameter", "range", "range is one of " + String.join(", ", RANGES));
        };
    }

    static final List<String> RANGES = List.of("1h", "24h", "7d", "30d");

    /** One of a fixed set of sort keys. */
    static String choice(String name, String value, List<String> allowed) {
        if (value == null || value.isBlank()) {
            return allowed.getFirst();
        }
        if (!allowed.contains(value)) {
            throw ApiException.badRequest("bad-parameter", name, name + " is one of " + String.join(", ", allowed));
        }
        return value;
    }

    /** Printable ASCII only, at most {@code max} characters (for names that go into the audit log). */
    static String printable(String s, int max) {
        String t = s == null ? "" : s.strip().replaceAll("[^\\x21-\\x7e]", "?");
        return t.length() > max ? t.substring(0, max) : t;
    }
}
