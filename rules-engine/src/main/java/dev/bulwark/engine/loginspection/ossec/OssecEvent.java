package dev.bulwark.engine.loginspection.ossec;

import java.util.List;
import java.util.Map;

/**
 * A log line as an OSSEC/Wazuh ruleset sees it after pre-decoding and decoding.
 *
 * @param location    where the line came from (a file path, {@code journald}, {@code stdin})
 * @param fullLog     the line as received
 * @param log         the message after the syslog header (the whole line when there is none);
 *                    {@code <match>} and {@code <regex>} apply to it
 * @param hostname    from the syslog header, or null
 * @param programName from the syslog header, or null
 * @param decoder     the decoder name rules see ({@code decoded_as}): the parent's name unless the
 *                    child uses its own; null when no decoder matched
 * @param category    the decoder's type ({@code syslog} unless it says otherwise)
 * @param fields      decoded fields by name, looked up without regard to case: the static ones
 *                    ({@code srcip}, {@code dstuser}, {@code id}, ...) and any dynamic ones (JSON keys
 *                    joined with dots)
 * @param matched     the level of the last correlation alert this event took part in (0 when none),
 *                    as Wazuh keeps it per event: a frequency rule stops counting at an earlier
 *                    alert already used by a correlation of its level or above, so one burst raises
 *                    one correlation alert, not one per further line. Only {@link OssecRules#correlated} sets it.
 * @param fts         the decoder's first-time-seen fields ({@code if_fts}), or empty
 * @param lists       the ruleset's CDB lists, which {@code <list>} conditions look fields up in
 */
public record OssecEvent(long timestamp, String location, String fullLog, String log, String hostname, String programName,
                         String decoder, String category, Map<String, String> fields, MatchedLevel matched, List<String> fts,
                         OssecLists lists) {

    public OssecEvent(long timestamp, String location, String fullLog, String log, String hostname, String programName,
                      String decoder, String category, Map<String, String> fields) {
        this(timestamp, location, fullLog, log, hostname, programName, decoder, category, fields, new MatchedLevel(), List.of(), OssecLists.NONE);
    }

    public OssecEvent {
        matched = matched == null ? new MatchedLevel() : matched;
        fts = fts == null ? List.of() : List.copyOf(fts);
        lists = lists == null ? OssecLists.NONE : lists;
        fields = fields instanceof CaseInsensitiveFields f ? f : new CaseInsensitiveFields(fields);
    }

    /** A decoded field, or null. */
    public String field(String name) {
        return fields.get(name);
    }

    /** What {@code <user>} compares: the destination user, else the source user. */
    public String user() {
        String u = fields.get("dstuser");
        return u != null ? u : fields.get("srcuser");
    }

    /**
     * Decoded fields found by name without regard to case, as Wazuh finds them (rules write
     * ScriptBlockId for scriptBlockId), in case-insensitive order; unmodifiable. Rules look fields
     * up on every state of every event, so a lookup is a hash probe on the name's lower case (no
     * copy when it is already lower case, as the names rules use mostly are). A map holding a non-ASCII name, which may fold to ASCII in ways lower case
     * does not show, is searched in order instead.
     */
    static final class CaseInsensitiveFields extends java.util.AbstractMap<String, String> {
        private final java.util.SortedMap<String, String> sorted;
        private final java.util.HashMap<String, String> lower;

        CaseInsensitiveFields(Map<String, String> fields) {
            java.util.TreeMap<String, String> ci = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            if (fields != null) {
                fields.forEach((k, v) -> {
                    if (k != null && v != null) {
                        ci.putIfAbsent(k, v);
                    }
                });
            }
            sorted = java.util.Collections.unmodifiableSortedMap(ci);
            boolean ascii = ci.keySet().stream().allMatch(CaseInsensitiveFields::isAscii);
            lower = ascii ? new java.util.HashMap<>() : null;
            if (ascii) {
                ci.forEach((k, v) -> lower.put(k.toLowerCase(java.util.Locale.ROOT), v));
            }
        }

        @Override
        public String get(Object key) {
            if (!(key instanceof String k)) {
                return null;
            }
            if (lower == null || !isAscii(k)) {
                return sorted.get(k);
            }
            return lower.get(k.toLowerCase(java.util.Locale.ROOT));
        }

        @Override
        public boolean containsKey(Object key) {
            return get(key) != null;
        }

        @Override
        public java.util.Set<Entry<String, String>> entrySet() {
            return sorted.entrySet();
        }

        @Override
        public int size() {
            return sorted.size();
        }

        private static boolean isAscii(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) >= 128) {
                    return false;
                }
            }
            return true;
        }
    }
}
