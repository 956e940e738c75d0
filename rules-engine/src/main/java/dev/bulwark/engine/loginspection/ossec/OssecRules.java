package dev.bulwark.engine.loginspection.ossec;

import dev.bulwark.engine.Explanation;
import dev.bulwark.engine.Finding;
import dev.bulwark.engine.ProtectionModule;
import dev.bulwark.engine.Severity;
import dev.bulwark.engine.helper.Cidr;
import java.util.Map;
import org.kie.api.runtime.rule.RuleContext;

/**
 * What rules imported from OSSEC/Wazuh call: their pattern dialects, their address and group
 * tests, and the two steps of the rule tree (descend to a matching child; raise the alert where
 * the descent stopped), and the correlation tests over the stream's {@link OssecMemory}. A helper
 * type of the DRL policy; every method is total and side-effect free, except the three that a
 * generated consequence calls on the stream's own memory: {@link #remember} (adds an alert),
 * {@link #correlated} (marks the alerts a correlation used, Wazuh's per-event {@code matched}
 * level) and {@link #seen} (records a first-time-seen key).
 */
public final class OssecRules {

    /** The built-in checks OSSEC and Wazuh ship as compiled rules ({@code <compiled_rule>}), by name. */
    public static final java.util.Set<String> COMPILED_RULES = java.util.Set.of("comp_srcuser_dstuser", "check_id_size",
            "comp_mswin_targetuser_calleruser_diff", "is_simple_http_request", "is_valid_crawler");
    /** Address prefixes {@code is_valid_crawler} accepts at the start of the message (search engines' crawlers, as OSSEC lists them). */
    private static final java.util.List<String> CRAWLERS = java.util.List.of("66.249.", "72.14.", "209.85.", "65.55.", "207.46.",
            "74.6.", "72.30.", "67.195.");

    /** Parsed same_/different_ field lists, by their text. */
    private static final dev.bulwark.engine.helper.BoundedCache<String, String[]> FIELD_LISTS = new dev.bulwark.engine.helper.BoundedCache<>(1024);

    private OssecRules() {
    }

    /**
     * One pattern condition: {@code dialect} is {@code osmatch}, {@code osregex} or {@code pcre2}.
     * A missing value never matches, negated or not, as in Wazuh.
     */
    public static boolean test(String dialect, String pattern, boolean negate, String value) {
        if (value == null) {
            return false;
        }
        return (PatternRef.find(dialect, pattern, value, 0) != null) != negate;
    }

    /**
     * A condition of Wazuh's {@code string} type (the default of {@code <action>}): the value is
     * exactly the text, case included. A missing value never matches, negated or not.
     */
    public static boolean exact(String text, boolean negate, String value) {
        return value != null && text.equals(value) != negate;
    }

    /**
     * An address condition ({@code <srcip>}, {@code <dstip>}): an address or CIDR block, negated by
     * a leading {@code !}. A missing or unparsable value never matches.
     */
    public static boolean ip(String spec, String value) {
        return ip(spec, false, value);
    }

    /**
     * An address condition with Wazuh's {@code negate="yes"}: true when the value is an address
     * outside the spec. A missing or unparsable value never matches, negated or not.
     */
    public static boolean ip(String spec, boolean negateAttribute, String value) {
        if (value == null || spec == null) {
            return false;
        }
        String s = spec.trim();
        boolean negate = s.startsWith("!");
        if (negate) {
            s = s.substring(1).trim();
        }
        if (!Cidr.isAddress(value.trim())) {
            return false;
        }
        return (Cidr.contains(s, value) != negate) != negateAttribute;
    }

    /**
     * A CDB list condition ({@code <list field=... lookup=... check_value=...>NAME</list>}): looks
     * {@code value} up in the event's list {@code name} ({@link OssecLists#lookup}). A missing value
     * never matches, whatever the lookup, as in Wazuh.
     *
     * @param lookup     the {@code lookup} attribute ({@code match_key}, {@code not_address_match_key}, ...)
     * @param checkValue the {@code check_value} OS_Match pattern, or null
     */
    public static boolean list(OssecEvent event, String name, String lookup, String checkValue, String value) {
        if (value == null) {
            return false;
        }
        OssecLists.Lookup l = OssecLists.Lookup.of(lookup);
        if (l == null) {
            throw new IllegalArgumentException("unknown list lookup '" + lookup + "'");
        }
        return event.lists().lookup(name, l, checkValue, value);
    }

    /**
     * {@code <time>}: whether the event's time of day, in this host's time zone, is in the range
     * {@code spec} gives as {@link #timeRange} writes it. Wazuh tests the time it receives the
     * event; a line carries its own time here, so a log read later is judged by when it happened.
     */
    public static boolean onTime(String spec, long epochMillis) {
        java.time.LocalTime t = java.time.Instant.ofEpochMilli(epochMillis).atZone(java.time.ZoneId.systemDefault()).toLocalTime();
        String now = String.format(java.util.Locale.ROOT, "%02d:%02d", t.getHour(), t.getMinute());
        boolean inside = now.compareTo(spec.substring(1, 6)) >= 0 && now.compareTo(spec.substring(6, 11)) <= 0;
        return inside == (spec.charAt(0) != '!');
    }

    /**
     * {@code <weekday>}: whether the event's day, in this host's time zone, is one of the days
     * {@code spec} gives as {@link #weekdays} writes it.
     */
    public static boolean onDay(String spec, long epochMillis) {
        int day = java.time.Instant.ofEpochMilli(epochMillis).atZone(java.time.ZoneId.systemDefault()).getDayOfWeek().getValue() % 7;
        return (spec.charAt(day) == '1') == (spec.charAt(7) != '!');
    }

    /**
     * A {@code <time>} range as OSSEC reads it ({@code hh:mm - hh:mm}, {@code hh - hh},
     * {@code h[:mm] am - h[:mm] pm}, optionally after {@code !}), as the spec {@link #onTime}
     * tests: {@code .} (inside) or {@code !} (outside), then the two times as {@code hh:mm}, both
     * ends included. A range that runs past midnight ({@code 6 pm - 8:30 am}) becomes "outside
     * 08:30-18:00", as OSSEC turns it (which drops a leading {@code !}, as OSSEC does too).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String timeRange(String text) {
        String t = text.strip();
        boolean negate = t.startsWith("!");
        if (negate) {
            t = t.substring(1).strip();
        }
        int dash = t.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a time range; write hh:mm - hh:mm, or h am - h pm");
        }
        String first = hour(t.substring(0, dash).strip(), text);
        String second = hour(t.substring(dash + 1).strip(), text);
        if (first.compareTo(second) > 0) {
            return "!" + second + first;
        }
        return (negate ? "!" : ".") + first + second;
    }

    private static final java.util.regex.Pattern HOUR = java.util.regex.Pattern.compile("([0-9]{1,2})(?::([0-9]{2}))?\\s*([aApP][mM])?");

    private static String hour(String h, String text) {
        java.util.regex.Matcher m = HOUR.matcher(h);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + h + "' in '" + text + "' is not a time; write hh:mm (24 h) or h[:mm] am/pm");
        }
        int hour = Integer.parseInt(m.group(1));
        int minute = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        if (m.group(3) != null) {
            // as OSSEC: 12 am is 00, 12 pm is 12, pm adds 12 to any other hour
            hour = (hour == 12 ? 0 : hour) + (Character.toLowerCase(m.group(3).charAt(0)) == 'p' ? 12 : 0);
        }
        if (hour > 23 || minute > 59) {
            throw new IllegalArgumentException("'" + h + "' in '" + text + "' is not a time of day");
        }
        return String.format(java.util.Locale.ROOT, "%02d:%02d", hour, minute);
    }

    /** Day names as OSSEC reads them, and the days (0 = Sunday) each stands for. */
    private static final java.util.Map<String, int[]> DAYS = java.util.Map.ofEntries(
            java.util.Map.entry("sunday", new int[] {0}), java.util.Map.entry("sun", new int[] {0}),
            java.util.Map.entry("monday", new int[] {1}), java.util.Map.entry("mon", new int[] {1}),
            java.util.Map.entry("tuesday", new int[] {2}), java.util.Map.entry("tue", new int[] {2}),
            java.util.Map.entry("wednesday", new int[] {3}), java.util.Map.entry("wed", new int[] {3}),
            java.util.Map.entry("thursday", new int[] {4}), java.util.Map.entry("thu", new int[] {4}),
            java.util.Map.entry("friday", new int[] {5}), java.util.Map.entry("fri", new int[] {5}),
            java.util.Map.entry("saturday", new int[] {6}), java.util.Map.entry("sat", new int[] {6}),
            java.util.Map.entry("weekdays", new int[] {1, 2, 3, 4, 5}), java.util.Map.entry("weekends", new int[] {0, 6}));

    /**
     * A {@code <weekday>} list as OSSEC reads it (day names or their three-letter forms,
     * {@code weekdays}, {@code weekends}, separated by commas or spaces), as the spec
     * {@link #onDay} tests: seven flags from Sunday, then {@code .} (on those days) or {@code !}
     * (on the others).
     *
     * @throws IllegalArgumentException naming the word that is not a day
     */
    public static String weekdays(String text) {
        String t = text.strip();
        boolean negate = t.startsWith("!");
        if (negate) {
            t = t.substring(1);
        }
        char[] flags = "0000000.".toCharArray();
        if (negate) {
            flags[7] = '!';
        }
        boolean any = false;
        for (String word : t.toLowerCase(java.util.Locale.ROOT).split("[\\s,]+")) {
            if (word.isEmpty()) {
                continue;
            }
            int[] days = DAYS.get(word);
            if (days == null) {
                throw new IllegalArgumentException("'" + word + "' in '" + text + "' is not a day; write monday..sunday, mon..sun, weekdays or weekends");
            }
            for (int d : days) {
                flags[d] = '1';
                any = true;
            }
        }
        if (!any) {
            throw new IllegalArgumentException("'" + text + "' names no day");
        }
        return new String(flags);
    }

    /** True when {@code groups} (comma separated, as a matched rule keeps them) holds {@code name} (OS_Match semantics: a substring). */
    public static boolean inGroup(String name, String groups) {
        return groups != null && dev.bulwark.engine.helper.OsMatch.find(name, groups);
    }

    /** The state after {@code ruleId} matched below {@code from}. */
    public static OssecMatch descend(OssecMatch from, String ruleId, int order, int level, String groups, String description,
                                     boolean noalert, int rank, String rememberAs, String memberOf) {
        return new OssecMatch(from.event(), ruleId, order, level, groups, description, from.depth() + 1, noalert, rank,
                Integer.MAX_VALUE, from, rememberAs, from.memory(), memberOf, from.decoder(), from.category());
    }

    /** {@code if_group}: the state's rule belongs to the group ({@code tag} is {@code ,GROUP,}, {@code memberOf} as the state keeps it). */
    public static boolean member(String tag, String memberOf) {
        return memberOf != null && !memberOf.isEmpty() && memberOf.contains(tag);
    }

    /** The alert of {@code m} is remembered for the rules that correlate on it (its {@code rememberAs} lists). */
    public static void remember(OssecMatch m) {
        if (m.memory() != null) {
            m.memory().remember(m);
        }
    }

    /**
     * A frequency rule's test ({@code if_matched_sid}/{@code if_matched_group}), as Wazuh 4 walks its
     * memory: the alerts under {@code key}, newest first, until one is older than the timeframe;
     * those that do not share the {@code same} fields (or share a {@code different} one) are
     * skipped; an alert already used by a correlation of this level or above stops the walk; the
     * rule holds when {@code needed} alerts are counted.
     *
     * @param same      field names joined by {@code |}: a decoded field, or {@code @user} / {@code @location};
     *                  the memory keeps the key's alerts per value of the first ({@code KEY#FIELD})
     * @param different likewise
     */
    public static boolean frequent(OssecMatch m, String key, int needed, int level, long timeframeMillis, String same, String different) {
        return walk(m, key, needed, level, timeframeMillis, same, different, false);
    }

    /**
     * A frequency rule fired on {@code m}: the event, and (when the rule needs more than one earlier
     * alert) the newest alert it counted are marked with the rule's level, which is where
     * {@link #frequent} stops next time.
     */
    public static void correlated(OssecMatch m, String key, int needed, int level, long timeframeMillis, String same, String different) {
        walk(m, key, needed, level, timeframeMillis, same, different, needed > 1);
        m.event().matched().set(level);
    }

    /**
     * {@code if_fts}: the values of the decoder's {@code <fts>} fields (decoder name, location,
     * user, ...) have not been seen together before in this stream. False when the decoder names
     * no such fields.
     */
    public static boolean firstTime(OssecMatch m) {
        String key = ftsKey(m.event());
        return key != null && m.memory() != null && m.memory().unseen(key);
    }

    /** An {@code if_fts} rule fired: its event's key is seen from now on. */
    public static void seen(OssecMatch m) {
        String key = ftsKey(m.event());
        if (key != null && m.memory() != null) {
            m.memory().see(key);
        }
    }

    private static String ftsKey(OssecEvent e) {
        if (e.fts().isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (String f : e.fts()) {
            String v = switch (f) {
                case "name" -> e.decoder();
                case "location" -> e.location();
                case "user" -> e.user();
                default -> e.field(f);
            };
            b.append(v == null ? "" : v).append((char) 0);
        }
        return b.toString();
    }

    /** {@code ignore}: the rule itself alerted within the last {@code ignoreMillis} (its alerts are remembered under {@code s:ID}). */
    public static boolean ignoring(OssecMatch m, String ruleId, long ignoreMillis) {
        if (m.memory() == null) {
            return false;
        }
        java.util.Iterator<OssecMemory.Entry> it = m.memory().newestFirst("s:" + ruleId, null, null);
        return it.hasNext() && m.event().timestamp() - it.next().timestamp() <= ignoreMillis;
    }

    private static boolean walk(OssecMatch m, String key, int needed, int level, long timeframeMillis, String same, String different,
                                boolean markNewest) {
        if (m.memory() == null) {
            return false;
        }
        OssecEvent e = m.event();
        String[] sameFields = fieldList(same);
        String[] differentFields = fieldList(different);
        // grouped by a field: walk only the alerts with the event's value of the first one
        java.util.Iterator<OssecMemory.Entry> it;
        if (sameFields.length > 0) {
            String v = OssecMemory.value(e, sameFields[0]);
            if (v == null) {
                return false;
            }
            it = m.memory().newestFirst(key, sameFields[0], v);
        } else {
            it = m.memory().newestFirst(key, null, null);
        }
        int counted = 0;
        while (it.hasNext()) {
            OssecMemory.Entry h = it.next();
            if (e.timestamp() - h.timestamp() > timeframeMillis) {
                return false;
            }
            if (!shares(e, h, sameFields, differentFields)) {
                continue;
            }
            if (h.matched().level() >= level) {
                return false;
            }
            if (counted == 0 && markNewest) {
                h.matched().set(level);
            }
            if (++counted >= needed) {
                return true;
            }
        }
        return false;
    }

    private static String[] fieldList(String spec) {
        if (spec == null || spec.isEmpty()) {
            return new String[0];
        }
        return FIELD_LISTS.get(spec, s -> s.split("\\|"));
    }

    private static boolean shares(OssecEvent e, OssecMemory.Entry h, String[] same, String[] different) {
        for (String f : same) {
            if (!same(OssecMemory.value(e, f), OssecMemory.value(h, f))) {
                return false;
            }
        }
        for (String f : different) {
            if (!different(OssecMemory.value(e, f), OssecMemory.value(h, f))) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code <compiled_rule>}: one of the checks OSSEC and Wazuh build in ({@link #COMPILED_RULES}).
     * {@code is_simple_http_request}: a GET (or a request whose method was not decoded) for a URL
     * without a query (or {@code /}), as OSSEC now reads it; {@code is_valid_crawler}:
     * the message starts with a known crawler's address; {@code check_id_size}: an id of 10
     * characters or more; {@code comp_srcuser_dstuser}: the two users are equal, or one is missing;
     * {@code comp_mswin_targetuser_calleruser_diff}: Windows' target account and caller user names
     * both present and different.
     */
    public static boolean compiled(String name, OssecEvent e) {
        return switch (name) {
            case "is_simple_http_request" -> {
                // OSSEC's current reading: only a GET is simple, so rule 31108 ("ignored URLs") no
                // longer hides POST floods and login attempts (wp-login.php) from the rules below it;
                // Wazuh's older copy also counts a POST without a query as simple
                String url = e.field("url");
                String action = e.field("action");
                yield url != null && (action == null || action.equalsIgnoreCase("GET")) && (url.equals("/") || url.indexOf('?') < 0);
            }
            case "is_valid_crawler" -> e.log() != null && CRAWLERS.stream().anyMatch(e.log()::startsWith);
            case "check_id_size" -> e.field("id") != null && e.field("id").length() >= 10;
            case "comp_srcuser_dstuser" -> {
                String src = e.field("srcuser");
                String dst = e.field("dstuser");
                yield src == null || dst == null || src.equals(dst);
            }
            case "comp_mswin_targetuser_calleruser_diff" -> {
                String target = accountAfter(e.log(), "Target Account Name");
                String caller = accountAfter(e.log(), "Caller User Name");
                yield target != null && caller != null && !target.equals(caller);
            }
            default -> false;
        };
    }

    /** The account name after {@code label:} in a Windows message, up to a tab or two spaces. */
    private static String accountAfter(String log, String label) {
        if (log == null) {
            return null;
        }
        int at = log.indexOf(label);
        int colon = at < 0 ? -1 : log.indexOf(':', at);
        if (colon < 0) {
            return null;
        }
        int end = colon + 1;
        while (end < log.length() && log.charAt(end) != '\t' && !log.startsWith("  ", end)) {
            end++;
        }
        return log.substring(colon + 1, end);
    }

    /** {@code same_*}: both events carry the field and it is equal. */
    public static boolean same(String current, String earlier) {
        return current != null && current.equals(earlier);
    }

    /** {@code different_*}: both events carry the field and it differs. */
    public static boolean different(String current, String earlier) {
        return current != null && earlier != null && !current.equals(earlier);
    }

    /** A {@code noalert} rule's children all failed: back to its parent, to try the siblings ranked after it. */
    public static OssecMatch backtrack(OssecMatch m) {
        OssecMatch p = m.parent();
        if (p == null) {
            return OssecMatch.root(m.event(), m.memory());
        }
        return new OssecMatch(p.event(), p.node(), p.order(), p.level(), p.groups(), p.description(), p.depth(), p.noalert(),
                p.rank(), m.rank(), p.parent(), p.rememberAs(), p.memory(), p.memberOf(), p.decoder(), p.category());
    }

    /** The alert of an event whose descent stopped at {@code m}: a finding carrying the imported rule's id and level. */
    public static Finding alert(RuleContext kcontext, OssecMatch m) {
        Explanation why = Explanation.of(kcontext);
        OssecEvent e = m.event();
        Map<String, String> evidence = new java.util.LinkedHashMap<>();
        evidence.put("ossec.rule", m.node());
        evidence.put("ossec.level", Integer.toString(m.level()));
        evidence.put("ossec.groups", m.groups());
        if (e.decoder() != null) {
            evidence.put("decoder", e.decoder());
        }
        for (String f : new String[] {"srcip", "dstip", "srcuser", "dstuser", "id", "url", "action", "status"}) {
            String v = e.field(f);
            if (v != null) {
                evidence.put(f, v);
            }
        }
        return new Finding("OSSEC-" + m.node(), ProtectionModule.LOG_INSPECTION, severity(m.level()), m.description(), evidence, why);
    }

    /** OSSEC levels 0-16 on Bulwark's scale: 0-3 info, 4-6 low, 7-9 medium, 10-12 high, 13+ critical. */
    public static Severity severity(int level) {
        if (level >= 13) {
            return Severity.CRITICAL;
        }
        if (level >= 10) {
            return Severity.HIGH;
        }
        if (level >= 7) {
            return Severity.MEDIUM;
        }
        return level >= 4 ? Severity.LOW : Severity.INFO;
    }
}
