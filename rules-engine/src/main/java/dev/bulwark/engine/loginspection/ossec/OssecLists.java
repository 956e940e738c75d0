package dev.bulwark.engine.loginspection.ossec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The CDB lists an imported OSSEC/Wazuh ruleset looks fields up in ({@code <list field="srcip"
 * lookup="address_match_key">etc/lists/malicious-ioc/malicious-ip</list>}): each list by the name
 * the rules give it, as keys and values. Read from Wazuh's plain-text list format by
 * {@link #parse}, carried in the bundle beside the decoders, and looked up by
 * {@link OssecRules#list}.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class OssecLists {

    /** Bounds a list read from a ruleset: entries, and characters of one key or value. */
    public static final int MAX_ENTRIES = 1_000_000;
    public static final int MAX_TEXT = 4096;

    /** No lists: every lookup finds nothing. */
    public static final OssecLists NONE = new OssecLists(Map.of());

    /** How a rule looks a value up, as the {@code lookup} attribute names it. */
    public enum Lookup {
        /** The value is a key of the list (the default). */
        MATCH_KEY("match_key"),
        /** The value is not a key of the list. */
        NOT_MATCH_KEY("not_match_key"),
        /** The value is a key, and its list value matches {@code check_value} (OS_Match). */
        MATCH_KEY_VALUE("match_key_value"),
        /** The address, or one of its dotted prefixes ({@code 192.168.}), is a key. */
        ADDRESS_MATCH_KEY("address_match_key"),
        /** Neither the address nor any of its dotted prefixes is a key. */
        NOT_ADDRESS_MATCH_KEY("not_address_match_key"),
        /**
         * As Wazuh evaluates it: true unless the address (or its longest listed prefix) is a key
         * whose value matches {@code check_value}. Wazuh's {@code OS_DBSearch} returns the inverse
         * of the key-and-value search here, and rules written for Wazuh are written against that.
         */
        ADDRESS_MATCH_KEY_VALUE("address_match_key_value");

        private final String xml;

        Lookup(String xml) {
            this.xml = xml;
        }

        /** The name the {@code lookup} attribute uses. */
        public String xml() {
            return xml;
        }

        /** Whether {@code check_value} is part of the lookup. */
        public boolean checksValue() {
            return this == MATCH_KEY_VALUE || this == ADDRESS_MATCH_KEY_VALUE;
        }

        private static final Lookup[] ALL = values();

        /** The lookup the attribute names, or null when it names none. */
        public static Lookup of(String xml) {
            for (Lookup l : ALL) {
                if (l.xml.equals(xml)) {
                    return l;
                }
            }
            return null;
        }
    }

    private final Map<String, Map<String, String>> lists;

    /**
     * @param lists each list's keys and values, by the name rules give it
     * @throws IllegalArgumentException naming the list, when one is missing its entries, holds a
     *                                  null value, or exceeds {@link #MAX_ENTRIES} or {@link #MAX_TEXT}
     */
    public OssecLists(Map<String, Map<String, String>> lists) {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        lists.forEach((name, entries) -> {
            if (entries == null || entries.size() > MAX_ENTRIES) {
                throw new IllegalArgumentException("list " + name + " has no entries or more than " + MAX_ENTRIES);
            }
            entries.forEach((key, value) -> {
                if (value == null || key.length() > MAX_TEXT || value.length() > MAX_TEXT) {
                    throw new IllegalArgumentException("list " + name + " has a null value or a key or value longer than " + MAX_TEXT);
                }
            });
            copy.put(name, Map.copyOf(entries));
        });
        this.lists = java.util.Collections.unmodifiableMap(copy);
    }

    /** The lists by name, for a bundle to carry. */
    public Map<String, Map<String, String>> asMap() {
        return lists;
    }

    public Set<String> names() {
        return lists.keySet();
    }

    public boolean contains(String name) {
        return lists.containsKey(name);
    }

    /**
     * One lookup, as Wazuh's {@code OS_DBSearch} makes it. A list the bundle does not carry holds
     * no keys (a build never writes a rule naming one).
     *
     * @param checkValue the OS_Match pattern for the {@code *_value} lookups, else ignored
     */
    public boolean lookup(String name, Lookup lookup, String checkValue, String value) {
        Map<String, String> list = lists.getOrDefault(name, Map.of());
        return switch (lookup) {
            case MATCH_KEY -> list.containsKey(value);
            case NOT_MATCH_KEY -> !list.containsKey(value);
            case MATCH_KEY_VALUE -> {
                String v = list.get(value);
                yield v != null && valueMatches(checkValue, v);
            }
            case ADDRESS_MATCH_KEY -> addressEntry(list, value) != null;
            case NOT_ADDRESS_MATCH_KEY -> addressEntry(list, value) == null;
            case ADDRESS_MATCH_KEY_VALUE -> {
                String v = addressEntry(list, value);
                yield !(v != null && valueMatches(checkValue, v));
            }
        };
    }

    private static boolean valueMatches(String checkValue, String v) {
        return checkValue != null && PatternRef.find("osmatch", checkValue, v, 0) != null;
    }

    /**
     * The value under the address itself, else under its longest prefix that ends at a dot
     * ({@code 10.1.2.3}, then {@code 10.1.2.}, {@code 10.1.}, {@code 10.}), else null.
     */
    private static String addressEntry(Map<String, String> list, String address) {
        String v = list.get(address);
        if (v != null) {
            return v;
        }
        for (int end = address.length() - 1; end > 0; end--) {
            if (address.charAt(end - 1) == '.') {
                v = list.get(address.substring(0, end));
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    /** Names and sizes only: a list may hold a million keys. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("OssecLists[");
        lists.forEach((name, entries) -> b.append(b.length() > 11 ? ", " : "").append(name).append('=').append(entries.size()).append(" keys"));
        return b.append(']').toString();
    }

    /** A list file that cannot be used, and where. */
    public static final class ListFormatException extends Exception {
        public ListFormatException(String message) {
            super(message);
        }
    }

    /**
     * Reads Wazuh's plain-text list format: one {@code key:value} per line (the value may be
     * empty; a line without a colon is a key with an empty value), a key holding colons written in
     * double quotes ({@code "a0:a0:a0:a0:a0:a0":}). Blank lines are skipped; when a key repeats, the
     * first stays (as a CDB lookup finds it).
     *
     * @param where names the file in errors
     * @throws ListFormatException beyond {@link #MAX_ENTRIES} entries or {@link #MAX_TEXT}
     *                             characters in a key or value, or for a quoted key never closed
     */
    public static Map<String, String> parse(String text, String where) throws ListFormatException {
        Map<String, String> entries = new LinkedHashMap<>();
        int lineNo = 0;
        for (String raw : text.split("\n", -1)) {
            lineNo++;
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.isBlank()) {
                continue;
            }
            String key;
            String value;
            if (line.startsWith("\"")) {
                int close = line.indexOf('"', 1);
                if (close < 0) {
                    throw new ListFormatException(where + ":" + lineNo + ": a quoted key is not closed; end it with \" before the ':'");
                }
                key = line.substring(1, close);
                String rest = line.substring(close + 1);
                value = rest.startsWith(":") ? rest.substring(1) : rest;
            } else {
                int colon = line.indexOf(':');
                key = colon < 0 ? line : line.substring(0, colon);
                value = colon < 0 ? "" : line.substring(colon + 1);
            }
            if (key.length() > MAX_TEXT || value.length() > MAX_TEXT) {
                throw new ListFormatException(where + ":" + lineNo + ": a key or value longer than " + MAX_TEXT + " characters");
            }
            entries.putIfAbsent(key, value);
            if (entries.size() > MAX_ENTRIES) {
                throw new ListFormatException(where + ": more than " + MAX_ENTRIES + " entries; split the list");
            }
        }
        return entries;
    }
}
