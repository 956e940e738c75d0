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
 * the descent stopped). A helper type of the DRL policy; every method is total and side-effect free,
 * except {@link #correlated}, which records on the session's own events that they took part in a
 * correlation alert (Wazuh's per-event {@code matched} level).
 */
public final class OssecRules {

    private static final java.util.concurrent.atomic.AtomicLong HIT_SEQUENCE = new java.util.concurrent.atomic.AtomicLong();

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
        boolean hit = switch (dialect) {
            case "osmatch" -> dev.bulwark.engine.helper.OsMatch.find(pattern, value);
            case "pcre2" -> PatternRef.Pcre2.of(pattern).find(value, 0) != null;
            default -> OsRegex.of(pattern).find(value, 0) != null;
        };
        return hit != negate;
    }

    /**
     * An address condition ({@code <srcip>}, {@code <dstip>}): an address or CIDR block, negated by
     * a leading {@code !}. A missing or unparsable value never matches.
     */
    public static boolean ip(String spec, String value) {
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
        return Cidr.contains(s, value) != negate;
    }

    /** True when {@code groups} (comma separated, as a matched rule keeps them) holds {@code name} (OS_Match semantics: a substring). */
    public static boolean inGroup(String name, String groups) {
        return groups != null && dev.bulwark.engine.helper.OsMatch.find(name, groups);
    }

    /** The state after {@code ruleId} matched below {@code from}. */
    public static OssecMatch descend(OssecMatch from, String ruleId, int order, int level, String groups, String description,
                                     boolean noalert, int rank, boolean remember) {
        return new OssecMatch(from.event(), ruleId, order, level, groups, description, from.depth() + 1, noalert, rank,
                Integer.MAX_VALUE, from, remember);
    }

    /** The memory of an alert, for the rules that correlate on it. */
    public static OssecHit hit(OssecMatch m) {
        OssecEvent e = m.event();
        return new OssecHit(e, m.node(), m.groups(), e.timestamp(), e.field("srcip"), e.user(), e.field("id"), HIT_SEQUENCE.incrementAndGet());
    }

    /**
     * A frequency rule's test, as Wazuh 4 walks its memory of earlier alerts (already limited to the
     * rule's window and its {@code same_*}/{@code different_*} fields): newest first, counting until
     * {@code needed}, but stopping at an alert that already took part in a correlation alert of this
     * level or above. So a burst raises the correlation once, and again only after {@code needed}
     * new alerts.
     */
    public static boolean correlates(java.util.List<OssecHit> hits, int needed, int level) {
        if (hits == null || hits.size() < needed) {
            return false;
        }
        long barrier = Long.MIN_VALUE;
        for (OssecHit h : hits) {
            if (h.event().matched().level() >= level && h.seq() > barrier) {
                barrier = h.seq();
            }
        }
        int counted = 0;
        for (OssecHit h : hits) {
            if (h.seq() > barrier) {
                counted++;
            }
        }
        return counted >= needed;
    }

    /**
     * A frequency rule fired on {@code m}'s event: the event, and (when the rule needs more than
     * one earlier alert) the newest earlier alert it counted, are marked with the rule's level,
     * which is where {@link #correlates} stops next time.
     */
    public static void correlated(OssecMatch m, java.util.List<OssecHit> hits, int needed, int level) {
        m.event().matched().set(level);
        if (needed > 1 && hits != null && !hits.isEmpty()) {
            OssecHit newest = hits.get(0);
            for (OssecHit h : hits) {
                if (h.seq() > newest.seq()) {
                    newest = h;
                }
            }
            newest.event().matched().set(level);
        }
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
            return OssecMatch.root(m.event());
        }
        return new OssecMatch(p.event(), p.node(), p.order(), p.level(), p.groups(), p.description(), p.depth(), p.noalert(),
                p.rank(), m.rank(), p.parent(), p.remember());
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
