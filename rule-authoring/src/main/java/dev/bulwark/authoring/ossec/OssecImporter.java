package dev.bulwark.authoring.ossec;

import dev.bulwark.engine.loginspection.ossec.DecoderSpec;
import dev.bulwark.engine.loginspection.ossec.OssecLists;
import dev.bulwark.engine.loginspection.ossec.OssecRules;
import dev.bulwark.engine.loginspection.ossec.PatternRef;
import dev.bulwark.engine.policy.DrlSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns an OSSEC/Wazuh ruleset into what Bulwark runs: decoder specs for the decoding pipeline and
 * DRL for the rules. Each imported rule becomes one Drools rule per parent it hangs under; it
 * matches the tree state ({@code OssecMatch}) of its parent, checks its own conditions on the
 * event, and replaces the state with its own. A rule's rank (its salience) orders it among its
 * siblings as Wazuh does: level 0 first, then higher level first, then load order ({@link #rank}); a final rule
 * raises the alert where the descent stopped, or hands a {@code noalert} node back to its parent.
 * The generated DRL goes through the same policy and compiler as hand-written rules.
 *
 * <p>A rule that uses something not supported yet is left out and reported with the reason; it
 * is never imported with a condition silently dropped (that would make it match more than its
 * author meant).
 */
public final class OssecImporter {

    /** Bulwark ids of imported rules are {@code OSSEC-<id>}; their DRL package. */
    public static final String ID_PREFIX = "OSSEC-";
    public static final String PACKAGE = "rules.imported.ossec";
    private static final int FINAL_SALIENCE = -10_000_000;
    /** Rules with an id below this are category templates, the only rules at the top of Wazuh's tree. */
    private static final int TEMPLATE_LIMIT = 10;
    /** Deepest descent through the tree; Wazuh's deepest chains are under 10. */
    static final int MAX_DEPTH = 64;

    /** Something the importer could not take, and where. */
    public record Problem(String where, String ruleId, String message) {
        @Override
        public String toString() {
            return where + ": " + (ruleId == null ? "" : "rule " + ruleId + ": ") + message;
        }
    }

    /** The import: decoders in load order, DRL sources, and what was left out. */
    public record Imported(List<DecoderSpec> decoders, List<DrlSource> sources, List<ImportedRule> rules, int rulesImported,
                           int rulesLeftOut, List<Problem> problems, Map<String, Integer> unsupported, OssecLists lists) {
    }

    /** Conditions that need correlation state the importer does not generate yet. */
    private static final Set<String> NOT_YET = Set.of("check_diff",
            "global_frequency", "if_matched_regex", "same_srcgeoip", "same_dstgeoip", "different_srcgeoip", "different_dstgeoip");
    /**
     * {@code same_X}/{@code different_X}: the field each compares, as {@link OssecRules#frequent}
     * names it (a decoded field, or {@code @user} / {@code @location}).
     */
    private static final Map<String, String> CORRELATED_FIELDS = Map.ofEntries(
            Map.entry("source_ip", "srcip"), Map.entry("srcip", "srcip"), Map.entry("dstip", "dstip"),
            Map.entry("src_port", "srcport"), Map.entry("srcport", "srcport"), Map.entry("dst_port", "dstport"), Map.entry("dstport", "dstport"),
            Map.entry("location", "@location"), Map.entry("user", "@user"), Map.entry("srcuser", "srcuser"), Map.entry("id", "id"),
            Map.entry("protocol", "protocol"), Map.entry("action", "action"), Map.entry("data", "data"), Map.entry("extra_data", "extra_data"),
            Map.entry("status", "status"), Map.entry("system_name", "system_name"), Map.entry("url", "url"));
    /** Wazuh's timeframe when a correlating rule gives none. */
    private static final int DEFAULT_TIMEFRAME = 360;
    /** Elements that carry no condition. */
    private static final Set<String> NOT_CONDITIONS = Set.of("description", "group", "info", "options", "mitre", "var", "check_if_ignored");
    /** Static fields compared as OS_Match by default, and the event field each reads. */
    private static final Map<String, String> STATIC_FIELDS = Map.ofEntries(
            Map.entry("srcuser", "srcuser"), Map.entry("dstuser", "dstuser"), Map.entry("id", "id"), Map.entry("url", "url"),
            Map.entry("action", "action"), Map.entry("status", "status"), Map.entry("protocol", "protocol"),
            Map.entry("system_name", "system_name"), Map.entry("data", "data"), Map.entry("extra_data", "extra_data"),
            Map.entry("srcport", "srcport"), Map.entry("dstport", "dstport"), Map.entry("srcgeoip", "srcgeoip"),
            Map.entry("dstgeoip", "dstgeoip"));

    private OssecImporter() {
    }

    public static Imported importRuleset(OssecRuleset ruleset) {
        List<Problem> problems = new ArrayList<>();
        Map<String, Integer> unsupported = new TreeMap<>();
        List<DecoderSpec> decoders = decoders(ruleset, problems);

        Map<String, ImportedRule> byId = new LinkedHashMap<>();
        List<ImportedRule> templates = new ArrayList<>();
        // A tree with no category templates at all (a custom ruleset loaded alone) keeps its
        // parentless rules at the top, as OSSEC does with any rule that names no parent.
        boolean noTemplates = ruleset.rules().stream().noneMatch(OssecImporter::isTemplate);
        int leftOut = 0;
        int index = 0;
        // OSSEC loads files in the order its configuration lists them, so a rule may name a parent
        // from a file later in name order: such rules are retried until no more can be placed.
        List<RuleDefinition> pending = new ArrayList<>(ruleset.rules());
        Map<RuleDefinition, NotYetDefined> waiting = new LinkedHashMap<>();
        while (true) {
            for (RuleDefinition r : pending) {
                if (r.id() == null) {
                    continue;
                }
                ImportedRule existing = byId.get(r.id());
                boolean overwrite = "yes".equalsIgnoreCase(r.attributes().getOrDefault("overwrite", "no"));
                if (existing != null && !overwrite) {
                    problems.add(new Problem(r.where(), r.id(), "duplicate rule id (first at " + existing.where() + "); add overwrite=\"yes\" to replace it"));
                    continue;
                }
                try {
                    ImportedRule rule = translate(r, index, byId, templates, noTemplates, ruleset.variables(r.file()), ruleset, unsupported);
                    if (existing != null) {
                        // Wazuh replaces the rule's content in place: its place in the tree and among its
                        // siblings stay, and so does what it correlates on (if_matched_sid/_group: "every
                        // option apart from if_matched_sid should be overwritten", its testing ruleset says)
                        ImportedRule.Correlation correlation = rule.correlation();
                        if (correlation != null && existing.correlation() != null) {
                            correlation = new ImportedRule.Correlation(existing.correlation().sid(), existing.correlation().group(),
                                    correlation.frequency(), correlation.timeframe(), correlation.same(), correlation.different());
                        }
                        rule = new ImportedRule(rule.id(), existing.index(), rule.level(), existing.rank(), existing.template(), rule.noalert(),
                                existing.parents(), existing.ifGroup(), existing.ifLevel(), rule.conditions(), correlation,
                                rule.ignore(), "", "", rule.groups(), rule.description(), rule.where(), rule.firstTime());
                    } else {
                        index++;
                    }
                    byId.put(rule.id(), rule);
                    if (rule.template() && existing == null) {
                        templates.add(rule);
                    }
                } catch (NotYetDefined e) {
                    waiting.put(r, e);
                } catch (Unsupported e) {
                    problems.add(new Problem(r.where(), r.id(), "left out: " + e.getMessage()));
                    leftOut++;
                }
            }
            if (waiting.isEmpty() || waiting.size() == pending.size()) {
                break;
            }
            pending = new ArrayList<>(waiting.keySet());
            waiting.clear();
        }
        for (Map.Entry<RuleDefinition, NotYetDefined> w : waiting.entrySet()) {
            problems.add(new Problem(w.getKey().where(), w.getKey().id(), "left out: " + w.getValue().getMessage()));
            leftOut++;
        }
        // Remember the alerts of every rule something correlates on: by id (if_matched_sid, its own
        // ignore period) and under each group an if_matched_group counts; where the correlating
        // rule groups by a field, also per value of that field (KEY#FIELD), which is what it walks.
        Map<String, Set<String>> countedIds = new java.util.HashMap<>();
        Map<String, Set<String>> countedGroups = new LinkedHashMap<>();
        for (ImportedRule rule : byId.values()) {
            ImportedRule.Correlation c = rule.correlation();
            if (c != null) {
                Set<String> lists = c.sid() != null ? countedIds.computeIfAbsent(c.sid(), k -> new java.util.LinkedHashSet<>())
                        : countedGroups.computeIfAbsent(c.group(), k -> new java.util.LinkedHashSet<>());
                lists.add((c.sid() != null ? "s:" + c.sid() : "g:" + c.group()) + (c.same().isEmpty() ? "" : "#" + c.same().get(0)));
            }
            if (rule.ignore() != null) {
                countedIds.computeIfAbsent(rule.id(), k -> new java.util.LinkedHashSet<>()).add("s:" + rule.id());
            }
        }
        Set<String> hungOnGroups = new java.util.TreeSet<>();
        byId.values().stream().filter(r -> r.ifGroup() != null).forEach(r -> hungOnGroups.add(r.ifGroup()));
        byId.replaceAll((id, rule) -> {
            String memberOf = hungOnGroups.stream().filter(g -> OssecRules.inGroup(g, rule.groups())).map(g -> "," + g)
                    .reduce("", String::concat);
            memberOf = memberOf.isEmpty() ? "" : memberOf + ",";
            Set<String> keys = new java.util.LinkedHashSet<>(countedIds.getOrDefault(id, Set.of()));
            countedGroups.forEach((g, lists) -> {
                if (OssecRules.inGroup(g, rule.groups())) {
                    keys.addAll(lists);
                }
            });
            return rule.placed(String.join(",", keys), memberOf);
        });
        Map<String, StringBuilder> files = new LinkedHashMap<>();
        for (ImportedRule rule : byId.values()) {
            String file = rule.where().substring(0, rule.where().lastIndexOf(':'));
            files.computeIfAbsent(file, f -> new StringBuilder()).append(drl(rule));
        }
        List<DrlSource> sources = new ArrayList<>();
        for (Map.Entry<String, StringBuilder> f : files.entrySet()) {
            sources.add(new DrlSource("ossec/" + baseName(f.getKey()) + ".drl", header() + f.getValue()));
        }
        sources.add(new DrlSource("ossec/zz-alert.drl", header() + finalRules()));
        // the bundle carries the lists the imported rules name, and only those
        Map<String, Map<String, String>> used = new LinkedHashMap<>();
        for (ImportedRule rule : byId.values()) {
            for (ImportedRule.Condition c : rule.conditions()) {
                if (c.kind() == ImportedRule.Condition.Kind.LIST && !used.containsKey(c.pattern())) {
                    try {
                        used.put(c.pattern(), ruleset.list(c.pattern()));
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException("list " + c.pattern() + " was read when its rule was imported: " + e.getMessage(), e);
                    }
                }
            }
        }
        return new Imported(decoders, sources, List.copyOf(byId.values()), byId.size(), leftOut, problems, unsupported, new OssecLists(used));
    }

    private static String baseName(String file) {
        String name = file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
        return name.replaceFirst("\\.xml$", "").replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    private static String header() {
        return "package " + PACKAGE + ";\n\n"
                + "import dev.bulwark.engine.loginspection.ossec.OssecMatch;\n"
                + "import dev.bulwark.engine.loginspection.ossec.OssecRules;\n\n";
    }

    /** Where the descent stops: an alerting rule raises its alert; a noalert rule hands back to its parent. */
    private static String finalRules() {
        return "rule \"ossec alert\"\n"
                + "    @id(\"OSSEC-ALERT\") @title(\"Alert of an imported OSSEC/Wazuh rule\") @module(\"loginspection\") @severity(\"info\")\n"
                + "    @tags(\"ossec\") @since(\"import\")\n"
                + "    salience " + FINAL_SALIENCE + "\n"
                + "when\n"
                + "    $m: OssecMatch( node != \"\", noalert == false, rememberAs == \"\" || level == 0 )\n"
                + "then\n"
                + "    delete($m);\n"
                + "    insert(OssecRules.alert(kcontext, $m));\n"
                + "end\n\n"
                + "rule \"ossec alert remembered\"\n"
                + "    @id(\"OSSEC-ALERT-REMEMBERED\") @title(\"Alert of an imported rule others correlate on, remembered for them\")\n"
                + "    @module(\"loginspection\") @severity(\"info\") @tags(\"ossec\") @since(\"import\")\n"
                + "    salience " + FINAL_SALIENCE + "\n"
                + "when\n"
                + "    $m: OssecMatch( node != \"\", noalert == false, rememberAs != \"\", level > 0 )\n"
                + "then\n"
                + "    delete($m);\n"
                + "    insert(OssecRules.alert(kcontext, $m));\n"
                + "    OssecRules.remember($m);\n"
                + "end\n\n"
                + "rule \"ossec noalert hands back\"\n"
                + "    @id(\"OSSEC-NOALERT\") @title(\"A noalert rule whose children did not match hands the event back to its parent\")\n"
                + "    @module(\"loginspection\") @severity(\"info\") @tags(\"ossec\") @since(\"import\")\n"
                + "    salience " + FINAL_SALIENCE + "\n"
                + "when\n"
                + "    $m: OssecMatch( node != \"\", noalert == true )\n"
                + "then\n"
                + "    delete($m);\n"
                + "    insert(OssecRules.backtrack($m));\n"
                + "end\n";
    }

    private static class Unsupported extends Exception {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * {@code <list field="F" lookup="L" check_value="P">NAME</list>}: a lookup of field F in the CDB
     * list NAME, read from the ruleset now (a rule whose list cannot be read is left out, saying why).
     */
    private static ImportedRule.Condition list(XmlElement c, String text, OssecRuleset ruleset) throws Unsupported {
        String lookupName = c.attribute("lookup").orElse("match_key").trim();
        OssecLists.Lookup lookup = OssecLists.Lookup.of(lookupName);
        if (lookup == null) {
            throw new Unsupported("<list lookup=\"" + lookupName + "\"> is not a lookup; use one of "
                    + java.util.Arrays.stream(OssecLists.Lookup.values()).map(OssecLists.Lookup::xml).toList());
        }
        String field = c.attribute("field").orElse("").trim();
        if (field.isEmpty()) {
            throw new Unsupported("<list> without a field attribute; name the field to look up (field=\"srcip\")");
        }
        String check = c.attribute("check_value").orElse(null);
        if (lookup.checksValue()) {
            if (check == null) {
                throw new Unsupported("<list lookup=\"" + lookupName + "\"> needs a check_value pattern for the list's value");
            }
            try {
                new PatternRef(check, "osmatch", null, false).validated();
            } catch (IllegalArgumentException e) {
                throw new Unsupported("<list> check_value: " + e.getMessage());
            }
        } else {
            check = null;
        }
        String name = text.trim();
        try {
            ruleset.list(name);
        } catch (java.io.IOException e) {
            throw new Unsupported(e.getMessage());
        }
        String subject = switch (field) {
            case "user" -> "user";
            case "hostname" -> "hostname";
            case "program_name" -> "programName";
            case "location" -> "location";
            default -> "field:" + field;
        };
        return new ImportedRule.Condition("list", ImportedRule.Condition.Kind.LIST, subject, lookup.xml(), name, false, check);
    }

    /** The rule names a parent (or needs a template) that later files may still define: retried after them. */
    private static final class NotYetDefined extends Unsupported {
        NotYetDefined(String message) {
            super(message);
        }
    }

    /**
     * A rule's repeated {@code <match>}, {@code <regex>}, {@code <pcre2>} (and OSSEC 3's
     * {@code <X_pcre2>}) and static-field elements
     * ({@code <url>a|</url><url>b</url>}) as the one pattern OSSEC and Wazuh build by appending their
     * texts, at the first one's place, with the last one's attributes ({@code negate}, {@code type}).
     */
    static List<XmlElement> joinRepeated(List<XmlElement> elements) {
        Map<String, XmlElement> joined = new LinkedHashMap<>();
        for (XmlElement e : elements) {
            if (joinable(e.name())) {
                joined.merge(e.name(), e, (a, b) -> new XmlElement(a.name(), b.attributes(), a.text() + b.text(), List.of(), a.file(), a.line()));
            }
        }
        List<XmlElement> out = new ArrayList<>();
        for (XmlElement e : elements) {
            if (!joinable(e.name())) {
                out.add(e);
            } else if (joined.containsKey(e.name())) {
                out.add(joined.remove(e.name()));
            }
        }
        return out;
    }

    private static boolean joinable(String element) {
        return element.equals("match") || element.equals("regex") || element.endsWith("pcre2") || STATIC_FIELDS.containsKey(element);
    }

    private static boolean isTemplate(RuleDefinition r) {
        try {
            return r.id() != null && Integer.parseInt(r.id().trim()) < TEMPLATE_LIMIT;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static ImportedRule translate(RuleDefinition r, int index, Map<String, ImportedRule> byId, List<ImportedRule> templates,
                                          boolean noTemplates,
                                          Map<String, String> vars, OssecRuleset ruleset, Map<String, Integer> unsupported) throws Unsupported {
        if (!r.id().matches("[0-9]{1,7}")) {
            throw new Unsupported("rule id '" + r.id() + "' is not a number from 1 to 9999999");
        }
        if (r.level() < 0 || r.level() > 16) {
            throw new Unsupported("level " + r.level() + " is outside 0-16");
        }
        List<String> parents = new ArrayList<>();
        List<ImportedRule.Condition> conditions = new ArrayList<>();
        String matchedSid = null;
        String matchedGroup = null;
        List<String> same = new ArrayList<>();
        List<String> different = new ArrayList<>();
        Integer frequency = null;
        Integer timeframe = null;
        Integer ignore = null;
        boolean firstTime = false;
        String ifGroup = null;
        Integer ifLevel = null;
        String category = "syslog";
        for (XmlElement c : joinRepeated(r.conditions())) {
            String name = c.name();
            if (NOT_CONDITIONS.contains(name)) {
                continue;
            }
            if (NOT_YET.contains(name)) {
                unsupported.merge("<" + name + ">", 1, Integer::sum);
                throw new Unsupported("<" + name + "> is not supported by the importer yet");
            }
            // spaces at the ends of a pattern are part of it; ids, names and numbers are trimmed where read
            String text = substitute(c.text(), vars);
            if (name.endsWith("_pcre2") && !name.equals("pcre2")) {
                // OSSEC 3.x: <id_pcre2>, <status_pcre2>, ... are the static filters with a PCRE2 pattern
                String base = name.substring(0, name.length() - "_pcre2".length());
                String subject = switch (base) {
                    case "match", "regex" -> "log";
                    case "user" -> "user";
                    case "hostname" -> "hostname";
                    case "program_name" -> "programName";
                    case "location" -> "location";
                    default -> STATIC_FIELDS.containsKey(base) ? "field:" + STATIC_FIELDS.get(base) : null;
                };
                if (subject == null) {
                    unsupported.merge("<" + name + ">", 1, Integer::sum);
                    throw new Unsupported("<" + name + "> is not supported by the importer yet");
                }
                conditions.add(pattern(c, text, "pcre2", subject).asPcre2());
                continue;
            }
            switch (name) {
                case "if_fts" -> firstTime = true;
                case "compiled_rule" -> {
                    String fn = text.trim();
                    if (!OssecRules.COMPILED_RULES.contains(fn)) {
                        unsupported.merge("<compiled_rule>" + fn, 1, Integer::sum);
                        throw new Unsupported("<compiled_rule> " + fn + " is not one of " + OssecRules.COMPILED_RULES);
                    }
                    conditions.add(new ImportedRule.Condition(name, ImportedRule.Condition.Kind.COMPILED, "log", null, fn, false));
                }
                case "if_sid" -> {
                    for (String sid : text.trim().split("[,\\s]+")) {
                        if (sid.isBlank()) {
                            continue;
                        }
                        if (!byId.containsKey(sid)) {
                            throw new NotYetDefined("<if_sid> names rule " + sid + ", which is not defined");
                        }
                        parents.add(sid);
                    }
                }
                case "if_group" -> ifGroup = text.trim();
                case "if_matched_sid" -> matchedSid = text.trim();
                case "if_matched_group" -> {
                    matchedGroup = text.trim();
                    if (matchedGroup.contains(",")) {
                        throw new Unsupported("<if_matched_group> '" + matchedGroup + "' holds a comma; name one group (or OS_Match alternatives with '|')");
                    }
                }
                case "same_field" -> same.add(correlatedField(text));
                case "different_field", "not_same_field" -> different.add(correlatedField(text));
                case "if_level" -> ifLevel = parseInt(text, "if_level");
                case "category" -> {
                    category = text.trim();
                    conditions.add(new ImportedRule.Condition(name, ImportedRule.Condition.Kind.EQUALS, "category", null, category, false));
                }
                case "decoded_as" -> conditions.add(new ImportedRule.Condition(name, ImportedRule.Condition.Kind.EQUALS, "decoder", null, text.trim(), false));
                case "match" -> conditions.add(pattern(c, text, "osmatch", "log"));
                case "regex" -> conditions.add(pattern(c, text, "osregex", "log"));
                case "pcre2" -> conditions.add(pattern(c, text, "pcre2", "log"));
                case "srcip", "dstip" -> conditions.add(new ImportedRule.Condition(name, ImportedRule.Condition.Kind.ADDRESS, "field:" + name, null, text.trim(),
                        "yes".equalsIgnoreCase(c.attribute("negate").orElse("no"))));
                case "user" -> conditions.add(pattern(c, text, "osmatch", "user"));
                case "hostname" -> conditions.add(pattern(c, text, "osmatch", "hostname"));
                case "program_name" -> conditions.add(pattern(c, text, "osmatch", "programName"));
                case "location" -> conditions.add(pattern(c, text, "osmatch", "location"));
                case "list" -> conditions.add(list(c, text, ruleset));
                case "time", "weekday" -> {
                    try {
                        boolean time = name.equals("time");
                        conditions.add(new ImportedRule.Condition(name, time ? ImportedRule.Condition.Kind.TIME : ImportedRule.Condition.Kind.WEEKDAY,
                                "timestamp", null, time ? OssecRules.timeRange(text) : OssecRules.weekdays(text), false));
                    } catch (IllegalArgumentException e) {
                        throw new Unsupported("<" + name + "> " + e.getMessage());
                    }
                }
                case "field" -> {
                    String field = c.attribute("name").orElse("");
                    if (field.isBlank()) {
                        throw new Unsupported("<field> without a name");
                    }
                    conditions.add(pattern(c, text, "osregex", "field:" + field));
                }
                default -> {
                    if (name.startsWith("same_") || name.startsWith("different_")) {
                        String accessor = CORRELATED_FIELDS.get(name.substring(name.indexOf('_') + 1));
                        if (accessor == null) {
                            unsupported.merge("<" + name + ">", 1, Integer::sum);
                            throw new Unsupported("<" + name + "> is not supported by the importer yet");
                        }
                        (name.startsWith("same_") ? same : different).add(accessor);
                        continue;
                    }
                    String field = STATIC_FIELDS.get(name);
                    if (field == null) {
                        unsupported.merge("<" + name + ">", 1, Integer::sum);
                        throw new Unsupported("<" + name + "> is not supported by the importer yet");
                    }
                    if (name.equals("action") && c.attribute("type").isEmpty()) {
                        // Wazuh's <action> is of type "string" unless it says otherwise: the exact text
                        // (a kernel line's SFW2-INext-DROP-DEFLT is not <action>DROP</action>)
                        conditions.add(new ImportedRule.Condition(name, ImportedRule.Condition.Kind.EXACT, "field:action", null, text,
                                "yes".equalsIgnoreCase(c.attribute("negate").orElse("no"))));
                        continue;
                    }
                    conditions.add(pattern(c, text, "osmatch", "field:" + field));
                }
            }
        }
        boolean noalert = false;
        for (Map.Entry<String, String> raw : r.attributes().entrySet()) {
            // attributes may use the file's variables too (OSSEC: frequency="$SSHD_FREQ")
            Map.Entry<String, String> a = Map.entry(raw.getKey(), substitute(raw.getValue(), vars));
            switch (a.getKey()) {
                case "id", "level", "overwrite" -> {
                }
                case "frequency" -> frequency = parseInt(a.getValue(), "frequency");
                case "timeframe" -> timeframe = parseInt(a.getValue(), "timeframe");
                case "ignore" -> ignore = parseInt(a.getValue(), "ignore");
                case "noalert" -> noalert = !"0".equals(a.getValue().trim()) && !"no".equalsIgnoreCase(a.getValue().trim());
                case "maxsize" -> conditions.add(new ImportedRule.Condition("maxsize", ImportedRule.Condition.Kind.MIN_LENGTH, "fullLog", null,
                        Integer.toString(parseInt(a.getValue(), "maxsize")), false));
                default -> {
                    unsupported.merge(a.getKey() + "=", 1, Integer::sum);
                    throw new Unsupported("attribute " + a.getKey() + "=\"" + a.getValue() + "\" is not supported by the importer yet");
                }
            }
        }
        // Correlation: an if_matched rule hangs under the rule (or group) it counts, unless it says otherwise.
        ImportedRule.Correlation correlation = null;
        if (matchedSid != null || matchedGroup != null) {
            if (matchedSid != null && !byId.containsKey(matchedSid)) {
                throw new NotYetDefined("<if_matched_sid> names rule " + matchedSid + ", which is not defined");
            }
            if (parents.isEmpty() && ifGroup == null && ifLevel == null) {
                if (matchedSid != null) {
                    parents.add(matchedSid);
                } else {
                    ifGroup = matchedGroup;
                }
            }
            int window = timeframe == null ? DEFAULT_TIMEFRAME : timeframe;
            if (window > dev.bulwark.engine.loginspection.ossec.OssecMemory.MAX_WINDOW_SECONDS) {
                throw new Unsupported("timeframe " + window + " s is longer than the " + dev.bulwark.engine.loginspection.ossec.OssecMemory.MAX_WINDOW_SECONDS
                        + " s alerts are remembered");
            }
            correlation = new ImportedRule.Correlation(matchedSid, matchedSid == null ? matchedGroup : null,
                    frequency == null ? 0 : frequency, window, same, different);
        } else if (frequency != null || !same.isEmpty() || !different.isEmpty()) {
            throw new Unsupported("frequency or same_/different_ options without <if_matched_sid> or <if_matched_group>");
        }
        if (ignore != null && ignore > dev.bulwark.engine.loginspection.ossec.OssecMemory.MAX_WINDOW_SECONDS) {
            throw new Unsupported("ignore=" + ignore + " s is longer than the " + dev.bulwark.engine.loginspection.ossec.OssecMemory.MAX_WINDOW_SECONDS
                    + " s alerts are remembered");
        }
        // Where the rule hangs, as Wazuh builds its tree: templates (ids below 10) at the top; then
        // if_sid, else if_level, else if_group; a rule with none of them under its category's template.
        boolean template = Integer.parseInt(r.id()) < TEMPLATE_LIMIT;
        if (!template && parents.isEmpty() && ifLevel == null && ifGroup == null) {
            String cat = category;
            for (ImportedRule t : templates) {
                if (t.conditions().stream().anyMatch(c -> c.element().equals("category") && c.pattern().equalsIgnoreCase(cat))) {
                    parents.add(t.id());
                    break;
                }
            }
            if (parents.isEmpty() && noTemplates) {
                parents.add("");
            } else if (parents.isEmpty()) {
                throw new NotYetDefined("no template rule (id below " + TEMPLATE_LIMIT + ") for category '" + category + "' to hang under");
            }
        }
        if (ifLevel != null || !parents.isEmpty()) {
            ifGroup = null;
        }
        if (!parents.isEmpty()) {
            ifLevel = null;
        }
        String groups = String.join(",", r.groups()) + (r.groups().isEmpty() ? "" : ",");
        String description = r.description() == null ? "" : substitute(r.description(), vars).trim();
        return new ImportedRule(r.id(), index, r.level(), rank(r.level(), index), template, noalert, parents,
                ifGroup, ifLevel, conditions, correlation, ignore, "", "", groups, description, r.where(), firstTime);
    }

    /**
     * Among the children of one rule Wazuh tries the higher levels first, and rules of equal level
     * in the order they were loaded; but a rule of level 0 counts as level 99 for this order (its
     * rules loader raises it "to have high priority" before inserting it and sets it back after), so
     * the silencing rules of level 0 are tried before any alerting sibling. That is also why an sshd
     * line with the word "error" reaches 5700's children (level 0) and not 1002 (level 2).
     */
    static int rank(int level, int index) {
        int precedence = level == 0 ? 99 : level;
        return precedence * 100_000 - index;
    }

    private static String drl(ImportedRule r) {
        // Where the rule hangs comes first. A rule hung by group starts with a test every such rule
        // shares (the engine evaluates a shared test once): most states belong to no group any
        // rule hangs on, and those pass by all of them after that one test.
        List<String> hanging = new ArrayList<>();
        if (r.template()) {
            hanging.add("node == \"\"");
        } else if (r.ifGroup() != null) {
            hanging.add("memberOf != \"\"");
            hanging.add("OssecRules.member(" + str("," + r.ifGroup() + ",") + ", memberOf)");
            hanging.add("order < " + r.index());
        } else if (r.ifLevel() != null) {
            hanging.add("order >= 0");
            hanging.add("order < " + r.index());
            hanging.add("level >= " + r.ifLevel());
        }
        List<String> bounds = new ArrayList<>();
        bounds.add("ceiling > " + r.rank());
        if (!r.template()) {
            // a tree is finite, but an overwrite can point a rule at a later one: never descend forever
            bounds.add("depth < " + MAX_DEPTH);
        }
        // Equality tests (decoded_as, category) come right after the node: Drools hashes a run of
        // literal == tests on one property, so an event reaches only the rules of its decoder. The
        // other conditions come before the bounds, which every state passes but a backtracked
        // one: they fail first (most through the literal prefilter), and each bound test is an
        // alpha node of its own, since no two siblings share a rank.
        List<String> constraints = new ArrayList<>(hanging);
        r.conditions().stream().filter(c -> c.kind() == ImportedRule.Condition.Kind.EQUALS).forEach(c -> constraints.add(c.drl()));
        r.conditions().stream().filter(c -> c.kind() != ImportedRule.Condition.Kind.EQUALS).forEach(c -> constraints.add(c.drl()));
        constraints.addAll(bounds);
        String title = r.description().isBlank() ? "OSSEC rule " + r.id() : r.description();
        String severity = dev.bulwark.engine.loginspection.ossec.OssecRules.severity(r.level()).label();
        String consequence = (r.correlation() == null ? "" : "    OssecRules.correlated(" + frequencyArguments(r) + ");\n")
                + (r.firstTime() ? "    OssecRules.seen($m);\n" : "")
                + "    delete($m);\n    insert(OssecRules.descend($m, " + str(r.id()) + ", " + r.index() + ", " + r.level() + ", "
                + str(r.groups()) + ", " + str(r.description()) + ", " + r.noalert() + ", " + r.rank() + ", " + str(r.rememberAs()) + ", " + str(r.memberOf()) + "));\n";
        StringBuilder out = new StringBuilder();
        List<String> nodes = r.parents().isEmpty() ? java.util.Collections.singletonList(null) : r.parents();
        for (int v = 0; v < nodes.size(); v++) {
            List<String> all = new ArrayList<>();
            if (nodes.get(v) != null) {
                all.add("node == " + str(nodes.get(v)));
            }
            all.addAll(constraints);
            all.addAll(correlationBindings(r));
            String suffix = nodes.size() > 1 ? "-P" + (v + 1) : "";
            out.append("rule \"ossec ").append(r.id()).append(suffix.isEmpty() ? "" : " under " + nodes.get(v)).append("\"\n")
                    .append("    @id(\"").append(ID_PREFIX).append(r.id()).append(suffix).append("\") @title(").append(str(title)).append(")")
                    .append(" @module(\"loginspection\") @severity(\"").append(severity).append("\")\n")
                    .append("    @tags(").append(str("ossec," + r.groups())).append(") @since(\"import\")")
                    .append(" @source(").append(str(r.where())).append(")\n")
                    .append("    salience ").append(r.rank()).append('\n')
                    .append("when\n")
                    .append("    $m: OssecMatch( ").append(String.join(",\n        ", all)).append(" )\n")
                    .append(correlationPatterns(r))
                    .append("then\n").append(consequence).append("end\n\n");
        }
        return out.toString();
    }

    /**
     * What the correlation needs of the current event, on the state pattern: every same_* value
     * present (without it no earlier alert can count, so such an event is turned away by the
     * pattern before any history is read).
     */
    private static List<String> correlationBindings(ImportedRule r) {
        List<String> out = new ArrayList<>();
        if (r.correlation() != null) {
            for (String f : r.correlation().same()) {
                out.add(switch (f) {
                    case "@user" -> "event.user() != null";
                    case "@location" -> "event.location != null";
                    default -> "event.fields[" + str(f) + "] != null";
                });
            }
        }
        return out;
    }

    /** {@code $m}, the memory list, the count, the level, the window and the field lists, as {@link OssecRules#frequent} takes them. */
    private static String frequencyArguments(ImportedRule r) {
        ImportedRule.Correlation c = r.correlation();
        String key = c.sid() != null ? "s:" + c.sid() : "g:" + c.group();
        return "$m, " + str(key) + ", " + c.earlierNeeded() + ", " + r.level() + ", " + c.timeframe() * 1000L + "L, "
                + str(String.join("|", c.same())) + ", " + str(String.join("|", c.different()));
    }

    /**
     * The history a correlating rule needs, read from the stream's memory after its own conditions
     * held: enough earlier alerts in its window; none of its own within its ignore period.
     */
    private static String correlationPatterns(ImportedRule r) {
        StringBuilder b = new StringBuilder();
        if (r.correlation() != null) {
            b.append("    eval( OssecRules.frequent(").append(frequencyArguments(r)).append(") )\n");
        }
        if (r.firstTime()) {
            b.append("    eval( OssecRules.firstTime($m) )\n");
        }
        if (r.ignore() != null) {
            b.append("    eval( !OssecRules.ignoring($m, ").append(str(r.id())).append(", ").append(r.ignore() * 1000L).append("L) )\n");
        }
        return b.toString();
    }

    /** A same_field/different_field name, which the memory's field lists separate with '|'. */
    private static String correlatedField(String text) throws Unsupported {
        String f = text.trim();
        if (f.isEmpty() || f.contains("|") || f.contains("#") || f.contains(",") || f.startsWith("@")) {
            throw new Unsupported("correlated field name '" + f + "' is empty, holds '|', '#' or ',', or starts with '@'");
        }
        return f;
    }

    private static ImportedRule.Condition pattern(XmlElement c, String text, String defaultDialect, String subject) throws Unsupported {
        String dialect = c.attribute("type").orElse(defaultDialect).toLowerCase(Locale.ROOT);
        if (c.name().equals("pcre2") || c.name().endsWith("_pcre2")) {
            // OSSEC 3.x's PCRE2 elements: analysisd compiles them with PCRE2_CASELESS, as the
            // OS_Match patterns they replaced ignored case (Wazuh's type="pcre2" does not)
            dialect = "pcre2";
            text = caseless(text);
        }
        boolean negate = "yes".equalsIgnoreCase(c.attribute("negate").orElse("no"));
        try {
            new PatternRef(text, dialect, null, negate).validated();
        } catch (IllegalArgumentException e) {
            throw new Unsupported("<" + c.name() + "> " + e.getMessage());
        }
        return new ImportedRule.Condition(c.name(), ImportedRule.Condition.Kind.PATTERN, subject, dialect, text, negate);
    }

    /** {@code pcre} ignoring case: {@code (?i)} after any leading option verbs ({@code (*UTF)}), which must stay first. */
    static String caseless(String pcre) {
        int i = 0;
        while (pcre.startsWith("(*", i) && pcre.indexOf(')', i) > 0) {
            i = pcre.indexOf(')', i) + 1;
        }
        return pcre.substring(0, i) + "(?i)" + pcre.substring(i);
    }

    private static int parseInt(String text, String what) throws Unsupported {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new Unsupported(what + " '" + text + "' is not a number");
        }
    }

    /** Replaces {@code $NAME} with the file's {@code <var name="NAME">}, as OSSEC's XML reader does. */
    static String substitute(String text, Map<String, String> vars) {
        if (text == null || vars.isEmpty() || text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char ch = text.charAt(i);
            if (ch == '$' && i + 1 < text.length() && (Character.isLetter(text.charAt(i + 1)) || text.charAt(i + 1) == '_')) {
                int j = i + 1;
                while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
                    j++;
                }
                String value = vars.get(text.substring(i + 1, j));
                if (value != null) {
                    out.append(value);
                    i = j;
                    continue;
                }
            }
            out.append(ch);
            i++;
        }
        return out.toString();
    }

    /** A Java string literal for DRL: quotes, backslashes and control characters escaped. */
    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20 || ch == 0x7f) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** {@code <json_null_field>}: string (default), empty or discard. */
    private static String jsonNulls(DecoderDefinition d) {
        for (XmlElement e : d.other()) {
            if (e.name().equals("json_null_field")) {
                String v = e.text().strip().toLowerCase(java.util.Locale.ROOT);
                if (!List.of("string", "empty", "discard").contains(v)) {
                    throw new IllegalArgumentException("<json_null_field> is string, empty or discard, not '" + v + "'");
                }
                return v;
            }
        }
        return null;
    }

    private static List<DecoderSpec> decoders(OssecRuleset ruleset, List<Problem> problems) {
        List<DecoderSpec> out = new ArrayList<>();
        for (DecoderDefinition d : ruleset.decoders()) {
            try {
                Map<String, String> vars = ruleset.variables(d.file());
                List<PatternRef> regexes = new ArrayList<>();
                for (PatternSpec p : d.regexes()) {
                    regexes.add(ref(p, vars));
                }
                out.add(new DecoderSpec(d.name(), d.parent(), d.programName() == null ? null : ref(d.programName(), vars),
                        d.prematch() == null ? null : ref(d.prematch(), vars), regexes, d.orders(), d.pluginDecoder(), d.pluginOffset(),
                        d.useOwnName(), d.type(), d.where(), fts(d), jsonNulls(d)));
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(d.where(), null, "decoder '" + d.name() + "' left out: " + e.getMessage()));
            }
        }
        return out;
    }

    /** A decoder's {@code <fts>} field list ({@code name, srcuser, location}), or empty. */
    private static List<String> fts(DecoderDefinition d) {
        return d.other().stream().filter(e -> e.name().equals("fts")).findFirst()
                .map(e -> java.util.Arrays.stream(e.text().split(",")).map(String::trim).filter(f -> !f.isEmpty()).toList())
                .orElse(List.of());
    }

    private static PatternRef ref(PatternSpec p, Map<String, String> vars) {
        return new PatternRef(substitute(p.text(), vars), p.dialect(), p.offset(), p.negate());
    }
}
