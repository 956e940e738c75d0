package dev.bulwark.authoring.ossec;

import dev.bulwark.engine.loginspection.ossec.OssecEvent;
import dev.bulwark.engine.loginspection.ossec.OssecMatch;
import dev.bulwark.engine.loginspection.ossec.OssecRules;
import java.util.List;

/**
 * One OSSEC/Wazuh rule as the importer understood it: where it hangs in the tree, its rank among
 * its siblings, and its conditions. The DRL is generated from this, and the trace of
 * {@code logtest --trace} evaluates the same conditions with the same helpers.
 *
 * @param parents  the rules it hangs under ({@code if_sid}, or its category's template); empty
 *                 when it is a template itself or hangs by group or level
 * @param ifGroup  hung under every earlier rule of this group, or null
 * @param ifLevel  hung under every earlier rule of at least this level, or null
 * @param rank     higher is tried first among siblings
 * @param rememberAs where its alerts are remembered for the rules correlating on them
 *                 ({@code s:ID}, {@code g:GROUP}, comma separated), or empty
 * @param memberOf the {@code if_group} names of other rules that it belongs to ({@code ,G1,G2,}), or empty
 * @param firstTime {@code if_fts}: holds only the first time its decoder's {@code <fts>} values are seen
 */
public record ImportedRule(String id, int index, int level, int rank, boolean template, boolean noalert, List<String> parents,
                           String ifGroup, Integer ifLevel, List<Condition> conditions, Correlation correlation, Integer ignore,
                           String rememberAs, String memberOf, String groups, String description, String where,
                           boolean firstTime) {

    public ImportedRule {
        rememberAs = rememberAs == null ? "" : rememberAs;
        memberOf = memberOf == null ? "" : memberOf;
        parents = List.copyOf(parents);
        conditions = List.copyOf(conditions);
    }

    /** The same rule, its alerts remembered under {@code keys} and its membership of {@code if_group} groups as given. */
    ImportedRule placed(String keys, String groupsHungOn) {
        return new ImportedRule(id, index, level, rank, template, noalert, parents, ifGroup, ifLevel, conditions, correlation, ignore,
                keys, groupsHungOn, groups, description, where, firstTime);
    }

    /**
     * {@code if_matched_sid}/{@code if_matched_group} with {@code frequency} and {@code timeframe}:
     * at least {@code max(1, frequency - 1)} earlier alerts of that rule (or group) within the
     * timeframe, so the current event makes the {@code frequency}-th; {@code same}/{@code different}
     * name the fields (as event accessors in DRL) an earlier alert must share or not share.
     */
    public record Correlation(String sid, String group, int frequency, int timeframe, List<String> same, List<String> different) {
        public Correlation {
            same = List.copyOf(same);
            different = List.copyOf(different);
        }

        public int earlierNeeded() {
            return Math.max(1, frequency - 1);
        }

    }

    /**
     * One condition: what it reads from the event, and how it tests it. For a {@link Kind#LIST}
     * condition, {@code pattern} is the list's name, {@code dialect} the lookup and
     * {@code checkValue} the {@code check_value} pattern (or null).
     */
    public record Condition(String element, Kind kind, String subject, String dialect, String pattern, boolean negate, String checkValue) {

        /** {@link #TIME} and {@link #WEEKDAY} read the event's time; their pattern is the spec {@link OssecRules#timeRange} or {@link OssecRules#weekdays} wrote. */
        public enum Kind { PATTERN, ADDRESS, EQUALS, MIN_LENGTH, COMPILED, LIST, TIME, WEEKDAY, EXACT }

        public Condition(String element, Kind kind, String subject, String dialect, String pattern, boolean negate) {
            this(element, kind, subject, dialect, pattern, negate, null);
        }

        /** The same condition with a PCRE2 pattern. */
        Condition asPcre2() {
            return new Condition(element, kind, subject, "pcre2", pattern, negate);
        }

        /** The DRL constraint for this condition. */
        String drl() {
            String value = switch (subject) {
                case "log" -> "event.log";
                case "fullLog" -> "event.fullLog";
                case "user" -> "event.user()";
                case "hostname" -> "event.hostname";
                case "programName" -> "event.programName";
                case "location" -> "event.location";
                case "decoder" -> "decoder";
                case "category" -> "category";
                case "timestamp" -> "event.timestamp";
                default -> "event.fields[" + OssecImporter.str(subject.substring("field:".length())) + "]";
            };
            return switch (kind) {
                case PATTERN -> "OssecRules.test(" + OssecImporter.str(dialect) + ", " + OssecImporter.str(pattern) + ", " + negate + ", " + value + ")";
                case ADDRESS -> "OssecRules.ip(" + OssecImporter.str(pattern) + ", " + (negate ? "true, " : "") + value + ")";
                case EQUALS -> value + " == " + OssecImporter.str(pattern);
                case MIN_LENGTH -> value + ".length() >= " + Integer.parseInt(pattern);
                case COMPILED -> "OssecRules.compiled(" + OssecImporter.str(pattern) + ", event)";
                case LIST -> "OssecRules.list(event, " + OssecImporter.str(pattern) + ", " + OssecImporter.str(dialect) + ", "
                        + (checkValue == null ? "null" : OssecImporter.str(checkValue)) + ", " + value + ")";
                case EXACT -> "OssecRules.exact(" + OssecImporter.str(pattern) + ", " + negate + ", " + value + ")";
                case TIME -> "OssecRules.onTime(" + OssecImporter.str(pattern) + ", " + value + ")";
                case WEEKDAY -> "OssecRules.onDay(" + OssecImporter.str(pattern) + ", " + value + ")";
            };
        }

        /** The value this condition reads, from a decoded event. */
        public String valueIn(OssecEvent e) {
            return switch (subject) {
                case "log" -> e.log();
                case "fullLog" -> e.fullLog();
                case "user" -> e.user();
                case "hostname" -> e.hostname();
                case "programName" -> e.programName();
                case "location" -> e.location();
                case "decoder" -> e.decoder();
                case "category" -> e.category();
                case "timestamp" -> java.time.Instant.ofEpochMilli(e.timestamp()).atZone(java.time.ZoneId.systemDefault()).toString();
                default -> e.field(subject.substring("field:".length()));
            };
        }

        /** Evaluates the condition as the generated DRL does. */
        public boolean holdsFor(OssecEvent e) {
            String v = valueIn(e);
            return switch (kind) {
                case PATTERN -> OssecRules.test(dialect, pattern, negate, v);
                case ADDRESS -> OssecRules.ip(pattern, negate, v);
                case EQUALS -> pattern.equals(v);
                case MIN_LENGTH -> v != null && v.length() >= Integer.parseInt(pattern);
                case COMPILED -> OssecRules.compiled(pattern, e);
                case LIST -> OssecRules.list(e, pattern, dialect, checkValue, v);
                case EXACT -> OssecRules.exact(pattern, negate, v);
                case TIME -> OssecRules.onTime(pattern, e.timestamp());
                case WEEKDAY -> OssecRules.onDay(pattern, e.timestamp());
            };
        }

        @Override
        public String toString() {
            if (kind == Kind.LIST) {
                return "<list lookup=" + dialect + (checkValue == null ? "" : " check_value=" + checkValue) + ">" + pattern + " on " + subject;
            }
            return "<" + element + (negate ? " negate" : "") + ">" + pattern + " on " + subject;
        }
    }

    /** True when this rule is a candidate child of state {@code m} (its place in the tree, not its conditions). */
    public boolean hangsUnder(OssecMatch m) {
        if (rank >= m.ceiling()) {
            return false;
        }
        if (template) {
            return m.atRoot();
        }
        if (!parents.isEmpty()) {
            return parents.contains(m.node());
        }
        if (m.order() < 0 || m.order() >= index) {
            return false;
        }
        return ifLevel != null ? m.level() >= ifLevel : OssecRules.inGroup(ifGroup, m.groups());
    }

    /** The first condition that fails for {@code e}, or null when all hold (correlation is the engine's, with its history). */
    public Condition firstFailing(OssecEvent e) {
        for (Condition c : conditions) {
            if (!c.holdsFor(e)) {
                return c;
            }
        }
        return null;
    }
}
