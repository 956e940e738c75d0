package dev.bulwark.agent.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every setting a policy may hold, with its kind, default and meaning. The manager refuses any
 * other key or an ill-formed value (naming both); the agent reads the same table. Rule assignment
 * is a setting per rule: {@code rules.<RULE-ID>} = {@code on} or {@code off}.
 */
public final class PolicySettings {
    private PolicySettings() {
    }

    public enum Kind { BOOLEAN, CHOICE, PATHS, NUMBER, VERSION, RULE }

    public record Setting(String key, Kind kind, String defaultValue, List<String> choices, String description) {
    }

    public static final List<String> MODULES = List.of("antimalware", "webreputation", "firewall", "ips", "integrity", "loginspection", "appcontrol");

    private static final Map<String, Setting> SETTINGS = new LinkedHashMap<>();
    private static final Pattern RULE_KEY = Pattern.compile("rules\\.[A-Z][A-Z0-9]*(-[A-Z0-9]+)+");
    private static final Pattern PATH = Pattern.compile("/[^\\u0000-\\u001f,]{0,4095}");

    static {
        for (String m : MODULES) {
            boolean onByDefault = m.equals("loginspection") || m.equals("integrity");
            add(m + ".enabled", Kind.BOOLEAN, Boolean.toString(onByDefault), List.of(), "whether the " + m + " module runs");
            add(m + ".mode", Kind.CHOICE, "detect", List.of("detect", "prevent"), "detect reports only; prevent also enforces (blocks, quarantines)");
        }
        add("loginspection.files", Kind.PATHS, "/var/log/auth.log,/var/log/syslog", List.of(), "log files to follow, comma-separated");
        add("loginspection.journal", Kind.BOOLEAN, "false", List.of(), "also follow the systemd journal");
        add("integrity.paths", Kind.PATHS, "/etc,/usr/bin,/usr/sbin", List.of(), "trees to monitor, comma-separated");
        add("integrity.ruleDeclared", Kind.BOOLEAN, "true", List.of(), "also monitor what the knowledge base's integrity rules declare (@monitor)");
        add("integrity.intervalMinutes", Kind.NUMBER, "60", List.of("1", "1440"), "minutes between scheduled integrity checks (1-1440)");
        add("antimalware.onAccess.paths", Kind.PATHS, "/home,/tmp,/var/tmp,/srv,/var/www", List.of(),
                "trees scanned on access (files scanned when written), comma-separated");
        add("antimalware.onAccess.deny", Kind.BOOLEAN, "false", List.of(), "hold every open under the on-access trees until scanned; deny detected files");
        add("antimalware.scheduled.paths", Kind.PATHS, "/", List.of(), "trees of the scheduled scan, comma-separated");
        add("antimalware.scheduled.intervalHours", Kind.NUMBER, "24", List.of("1", "720"), "hours between scheduled scans (1-720)");
        add("antimalware.reputation", Kind.CHOICE, "manager", List.of("manager", "local-only"),
                "ask the manager's file-reputation service about unknown executables, or send nothing");
        add("appcontrol.scope", Kind.PATHS, "/", List.of(), "decide the execs of files under these trees, comma-separated");
        add("appcontrol.inventoryRoots", Kind.PATHS, "/", List.of(), "trees inventoried (the allowlist) when application control is first enabled");
        add("appcontrol.alwaysAllow", Kind.PATHS, "", List.of(),
                "recovery trees never held, besides the agent's own Java, systemd, init, modprobe and sulogin, comma-separated");
        add("appcontrol.timeoutMs", Kind.NUMBER, "2000", List.of("100", "60000"), "answer an exec left undecided after this many milliseconds (100-60000)");
        add("appcontrol.trustPackages", Kind.BOOLEAN, "false", List.of(),
                "allow, and add to the inventory, executables installed by the package manager (their MD5 is the one dpkg recorded)");
        add("appcontrol.failClosed", Kind.BOOLEAN, "false", List.of(), "deny an exec left undecided (default: allow it, and report)");
        add("heartbeat.seconds", Kind.NUMBER, "30", List.of("5", "3600"), "heartbeat interval in seconds (5-3600)");
        add("knowledgeBase.version", Kind.VERSION, "latest", List.of(), "the knowledge-base version to run: latest or a published version");
    }

    private static void add(String key, Kind kind, String def, List<String> choices, String description) {
        SETTINGS.put(key, new Setting(key, kind, def, choices, description));
    }

    public static Map<String, Setting> all() {
        return java.util.Collections.unmodifiableMap(SETTINGS);
    }

    /** The defaults every policy tree starts from. */
    public static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        SETTINGS.values().forEach(s -> d.put(s.key(), s.defaultValue()));
        return d;
    }

    /** A setting's value in its normal form, or an {@link IllegalArgumentException} that says what is accepted. */
    public static String normalise(String key, String value) {
        if (key == null) {
            throw new IllegalArgumentException("a setting needs a key");
        }
        if (value == null) {
            throw new IllegalArgumentException(key + ": a value is required");
        }
        String v = value.strip();
        if (RULE_KEY.matcher(key).matches() && key.length() <= 110) {
            String on = v.toLowerCase(Locale.ROOT);
            if (!on.equals("on") && !on.equals("off")) {
                throw new IllegalArgumentException(key + ": a rule is assigned 'on' or 'off', not '" + cut(v) + "'");
            }
            return on;
        }
        Setting s = SETTINGS.get(key);
        if (s == null) {
            throw new IllegalArgumentException("unknown setting '" + cut(key) + "'; settings are " + SETTINGS.keySet() + " and rules.<RULE-ID>");
        }
        switch (s.kind()) {
            case BOOLEAN -> {
                String b = v.toLowerCase(Locale.ROOT);
                if (!b.equals("true") && !b.equals("false")) {
                    throw new IllegalArgumentException(key + ": true or false, not '" + cut(v) + "'");
                }
                return b;
            }
            case CHOICE -> {
                String c = v.toLowerCase(Locale.ROOT);
                if (!s.choices().contains(c)) {
                    throw new IllegalArgumentException(key + ": one of " + s.choices() + ", not '" + cut(v) + "'");
                }
                return c;
            }
            case NUMBER -> {
                long n;
                try {
                    n = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(key + ": a whole number, not '" + cut(v) + "'");
                }
                long min = Long.parseLong(s.choices().get(0));
                long max = Long.parseLong(s.choices().get(1));
                if (n < min || n > max) {
                    throw new IllegalArgumentException(key + ": between " + min + " and " + max + ", not " + n);
                }
                return Long.toString(n);
            }
            case VERSION -> {
                if (v.equalsIgnoreCase("latest")) {
                    return "latest";
                }
                try {
                    if (Long.parseLong(v) > 0) {
                        return Long.toString(Long.parseLong(v));
                    }
                } catch (NumberFormatException ignored) {
                    // falls through to the refusal
                }
                throw new IllegalArgumentException(key + ": 'latest' or a published version number, not '" + cut(v) + "'");
            }
            case PATHS -> {
                if (v.length() > 16_000) {
                    throw new IllegalArgumentException(key + ": at most 16,000 characters of paths");
                }
                List<String> parts = v.isEmpty() ? List.of() : List.of(v.split(","));
                StringBuilder sb = new StringBuilder();
                for (String p : parts) {
                    String t = p.strip();
                    if (!PATH.matcher(t).matches() || t.contains("/../") || t.endsWith("/..")) {
                        throw new IllegalArgumentException(key + ": absolute paths without control characters or '..', comma-separated; '" + cut(t) + "' is not one");
                    }
                    sb.append(sb.isEmpty() ? "" : ",").append(t);
                }
                return sb.toString();
            }
            default -> throw new IllegalStateException(s.kind().name());
        }
    }

    /** A comma-separated PATHS value as a list. */
    public static List<String> paths(String value) {
        return value == null || value.isBlank() ? List.of() : List.of(value.split(","));
    }

    private static String cut(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 80 ? t.substring(0, 80) + "..." : t;
    }
}
