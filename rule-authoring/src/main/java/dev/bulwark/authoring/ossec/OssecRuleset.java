package dev.bulwark.authoring.ossec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A whole OSSEC/Wazuh ruleset read from directories of {@code *.xml} files, in file-name order as
 * Wazuh loads them: decoder definitions and rule definitions with their locations. A file that
 * cannot be parsed is reported and skipped (the rest still loads); elements the importer does not
 * know are reported, never silently dropped.
 */
public final class OssecRuleset {

    /** A file or element the loader could not take, and where. */
    public record Problem(String file, int line, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + message;
        }
    }

    private static final Set<String> DECODER_ELEMENTS = Set.of("parent", "program_name", "prematch", "regex", "order", "fts",
            "pcre2", "prematch_pcre2", "program_name_pcre2",
            "ftscomment", "plugin_decoder", "use_own_name", "type", "accumulate", "json_null_field", "json_array_structure", "var");
    private static final Set<String> RULE_ELEMENTS = Set.of("match", "regex", "pcre2", "decoded_as", "category", "field", "srcip", "dstip",
            "srcport", "dstport", "data", "extra_data", "user", "system_name", "program_name", "protocol", "hostname", "time", "weekday",
            "id", "url", "location", "action", "status", "if_sid", "if_group", "if_level", "if_matched_sid", "if_matched_group",
            "same_id", "different_id", "same_source_ip", "different_source_ip", "same_srcip", "different_srcip", "same_dstip",
            "different_dstip", "same_src_port", "different_src_port", "same_dst_port", "different_dst_port", "same_location",
            "different_location", "same_user", "different_user", "same_protocol", "different_protocol", "same_action",
            "different_action", "same_data", "different_data", "same_extra_data", "different_extra_data", "same_status",
            "different_status", "same_system_name", "different_system_name", "same_url", "different_url", "same_srcgeoip",
            "different_srcgeoip", "same_dstgeoip", "different_dstgeoip", "same_srcuser", "different_srcuser", "same_field",
            "different_field", "not_same_field", "global_frequency", "description", "group", "info", "options", "list",
            "check_diff", "check_if_ignored", "if_fts", "ignore", "mitre", "compiled_rule", "var", "dstgeoip", "srcgeoip",
            "srcuser", "dstuser");

    private final List<DecoderDefinition> decoders = new ArrayList<>();
    private final List<RuleDefinition> rules = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Map<String, String>> variables = new LinkedHashMap<>();
    private final Map<String, Integer> unknownElements = new TreeMap<>();
    /** The trees read, in order: where the rules' CDB lists are looked for. */
    private final List<Path> trees = new ArrayList<>();
    /** CDB lists read so far, by the name rules give them. */
    private final Map<String, Map<String, String>> lists = new LinkedHashMap<>();

    /** The largest list file read, in bytes. */
    static final long MAX_LIST_BYTES = 64L << 20;

    public List<DecoderDefinition> decoders() {
        return decoders;
    }

    public List<RuleDefinition> rules() {
        return rules;
    }

    public List<Problem> problems() {
        return problems;
    }

    /**
     * The {@code <var name>} definitions of one file, by name, as its rules refer to them
     * ({@code $BAD_WORDS}). Scoped to the file, as OSSEC's XML reader substitutes them.
     */
    public Map<String, String> variables(String file) {
        return variables.getOrDefault(file, Map.of());
    }

    private void variable(XmlElement v) {
        variables.computeIfAbsent(v.file(), f -> new LinkedHashMap<>()).put(v.attribute("name").orElse(""), v.text().strip());
    }

    /**
     * Reads a ruleset tree the way its layout says: Wazuh's ({@code decoders/} and {@code rules/}),
     * OSSEC's ({@code decoder.xml} and {@code rules/}), or a flat folder of XML files where names
     * containing {@code decoder} hold decoders and the others rules (Wazuh's testing ruleset).
     */
    public OssecRuleset addTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory; give the folder that holds the ruleset (decoders/ and rules/, or decoder.xml and rules/)");
        }
        trees.add(dir);
        boolean any = false;
        if (Files.isDirectory(dir.resolve("decoders"))) {
            addDecoders(dir.resolve("decoders"));
            any = true;
        }
        if (Files.isRegularFile(dir.resolve("decoder.xml"))) {
            addDecoderFile(dir.resolve("decoder.xml"));
            any = true;
        }
        if (Files.isDirectory(dir.resolve("rules"))) {
            addRules(dir.resolve("rules"));
            any = true;
        }
        if (!any) {
            for (Path f : xmlFiles(dir)) {
                if (f.getFileName().toString().contains("decoder")) {
                    addDecoderFile(f);
                } else {
                    addRuleFile(f);
                }
            }
        }
        return this;
    }

    /** Reads every {@code *.xml} of {@code dir} as decoder files. */
    public OssecRuleset addDecoders(Path dir) throws IOException {
        for (Path f : xmlFiles(dir)) {
            addDecoderFile(f);
        }
        return this;
    }

    /** Reads one decoder file. */
    public OssecRuleset addDecoderFile(Path f) {
        return readTop(f, "a decoder file", java.util.Map.of("decoder", top -> decoders.add(decoder(top)), "var", this::variable));
    }

    /** Reads every {@code *.xml} of {@code dir} as rule files. */
    public OssecRuleset addRules(Path dir) throws IOException {
        for (Path f : xmlFiles(dir)) {
            addRuleFile(f);
        }
        return this;
    }

    /** Reads one rule file. */
    public OssecRuleset addRuleFile(Path f) {
        return readTop(f, "a rule file", java.util.Map.of("group", top -> group(top, List.of()), "var", this::variable,
                "rule", top -> rules.add(rule(top, List.of()))));
    }

    /** Hands each top-level element of {@code f} to the handler for its name; any other element is a problem. */
    private OssecRuleset readTop(Path f, String what, java.util.Map<String, java.util.function.Consumer<XmlElement>> handlers) {
        for (XmlElement top : parse(f)) {
            java.util.function.Consumer<XmlElement> h = handlers.get(top.name());
            if (h == null) {
                problems.add(new Problem(top.file(), top.line(), "unexpected top-level <" + top.name() + "> in " + what));
            } else {
                h.accept(top);
            }
        }
        return this;
    }

    /** How often each element or attribute the importer does not know appears: what support is missing. */
    public Map<String, Integer> unknownElements() {
        return unknownElements;
    }

    private void unknown(XmlElement e, String where) {
        problems.add(new Problem(e.file(), e.line(), "unknown element <" + e.name() + "> in " + where));
        unknownElements.merge("<" + e.name() + ">", 1, Integer::sum);
    }

    private List<XmlElement> parse(Path f) {
        try {
            return RulesetXml.read(f);
        } catch (RulesetException e) {
            problems.add(new Problem(e.file(), e.line(), "not loaded: " + e.getMessage()));
            return List.of();
        }
    }

    private void group(XmlElement g, List<String> outer) {
        List<String> names = new ArrayList<>(outer);
        for (String n : g.attribute("name").orElse("").split(",")) {
            if (!n.isBlank()) {
                names.add(n.trim());
            }
        }
        for (XmlElement c : g.children()) {
            switch (c.name()) {
                case "rule" -> rules.add(rule(c, names));
                case "group" -> group(c, names);
                case "var" -> variable(c);
                default -> unknown(c, "a group");
            }
        }
    }

    private RuleDefinition rule(XmlElement r, List<String> groups) {
        List<String> all = new ArrayList<>(groups);
        String description = null;
        List<XmlElement> conditions = new ArrayList<>();
        for (XmlElement c : r.children()) {
            if (!RULE_ELEMENTS.contains(c.name()) && !RULE_ELEMENTS.contains(c.name().replaceFirst("_pcre2$", ""))) {
                unknown(c, "rule " + r.attribute("id").orElse("?"));
                continue;
            }
            switch (c.name()) {
                case "description" -> description = c.text().strip();
                case "group" -> {
                    for (String n : c.text().strip().split(",")) {
                        if (!n.isBlank()) {
                            all.add(n.trim());
                        }
                    }
                }
                default -> conditions.add(c);
            }
        }
        int level;
        try {
            level = Integer.parseInt(r.attribute("level").orElse("0").trim());
        } catch (NumberFormatException e) {
            problems.add(new Problem(r.file(), r.line(), "rule " + r.attribute("id").orElse("?") + " has a level that is not a number"));
            level = 0;
        }
        String id = r.attribute("id").orElse(null);
        if (id == null) {
            problems.add(new Problem(r.file(), r.line(), "rule without id"));
        }
        return new RuleDefinition(id, level, r.attributes(), description, all, conditions, r.file(), r.line());
    }

    private DecoderDefinition decoder(XmlElement d) {
        String parent = null;
        PatternSpec program = null;
        PatternSpec prematch = null;
        List<PatternSpec> regexes = new ArrayList<>();
        List<List<String>> orders = new ArrayList<>();
        String plugin = null;
        String pluginOffset = null;
        boolean ownName = false;
        String type = null;
        List<XmlElement> other = new ArrayList<>();
        for (XmlElement c : d.children()) {
            if (!DECODER_ELEMENTS.contains(c.name())) {
                unknown(c, "decoder " + d.attribute("name").orElse("?"));
                continue;
            }
            switch (c.name()) {
                case "parent" -> parent = c.text().strip();
                case "program_name" -> program = PatternSpec.of(c, "osmatch");
                // a second <prematch> extends the first (OSSEC appends the texts); the last one's type and offset apply
                case "prematch" -> prematch = PatternSpec.of(c, "osregex").after(prematch);
                case "regex" -> regexes.add(PatternSpec.of(c, "osregex"));
                // OSSEC 3.x writes the PCRE2 variants as their own elements
                case "program_name_pcre2" -> program = PatternSpec.of(c, "pcre2").asDialect("ossec-pcre2");
                case "prematch_pcre2" -> prematch = PatternSpec.of(c, "pcre2").asDialect("ossec-pcre2").after(prematch);
                case "pcre2" -> regexes.add(PatternSpec.of(c, "pcre2").asDialect("ossec-pcre2"));
                case "order" -> orders.add(List.of(c.text().strip().split("\\s*,\\s*")));
                case "plugin_decoder" -> {
                    plugin = c.text().strip();
                    pluginOffset = c.attribute("offset").orElse(null);
                }
                case "use_own_name" -> ownName = "true".equalsIgnoreCase(c.text().strip());
                case "type" -> type = c.text().strip();
                default -> other.add(c);
            }
        }
        String name = d.attribute("name").orElse(null);
        if (name == null) {
            problems.add(new Problem(d.file(), d.line(), "decoder without name"));
        }
        if (regexes.size() > 1 && orders.size() <= 1) {
            regexes = List.of(joined(d));
        }
        return new DecoderDefinition(name, parent, program, prematch, regexes, orders, plugin, pluginOffset, ownName, type, other, d.file(), d.line());
    }

    /**
     * Several {@code <regex>} elements with one {@code <order>} are one regex split across lines:
     * OSSEC and Wazuh append each element's text to the last (snort2 splits an alternation over
     * three). The type is the last one given ({@code <pcre2>} elements are OSSEC's PCRE2), the offset the last
     * one given.
     */
    private static PatternSpec joined(XmlElement d) {
        StringBuilder text = new StringBuilder();
        String dialect = "osregex";
        String offset = null;
        for (XmlElement c : d.children()) {
            boolean pcre2Element = c.name().equals("pcre2");
            if (!c.name().equals("regex") && !pcre2Element) {
                continue;
            }
            text.append(c.text());
            if (pcre2Element) {
                dialect = "ossec-pcre2";
            } else if (c.attribute("type").isPresent()) {
                dialect = c.attribute("type").get().toLowerCase(java.util.Locale.ROOT);
            }
            if (c.attribute("offset").isPresent()) {
                offset = c.attribute("offset").get();
            }
        }
        return new PatternSpec(text.toString(), dialect, offset, false);
    }

    /**
     * The CDB list a rule names ({@code etc/lists/malicious-ioc/malicious-ip}, a path below the
     * Wazuh or OSSEC installation folder), read from the first tree that holds it: at that path
     * below the tree, or, for a name under {@code etc/}, without that prefix (Wazuh's ruleset keeps
     * {@code etc/lists/X} as {@code lists/X}). Read once; a name may not leave its tree (no absolute
     * paths, no {@code ..}, no symbolic link pointing out of it).
     *
     * @throws IOException naming the list and where it was looked for, when no tree holds it, or
     *                     why it cannot be used
     */
    public Map<String, String> list(String name) throws IOException {
        Map<String, String> known = lists.get(name);
        if (known != null) {
            return known;
        }
        Path rel;
        try {
            rel = Path.of(name).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new IOException("list '" + name + "' is not a path: " + e.getMessage());
        }
        if (name.isBlank() || rel.isAbsolute() || rel.startsWith("..")) {
            throw new IOException("list '" + name + "' must be a relative path inside the ruleset (as etc/lists/NAME)");
        }
        List<Path> tried = new ArrayList<>();
        for (Path tree : trees) {
            List<Path> candidates = new ArrayList<>(List.of(tree.resolve(rel)));
            if (rel.getNameCount() > 1 && rel.getName(0).toString().equals("etc")) {
                candidates.add(tree.resolve(rel.subpath(1, rel.getNameCount())));
            }
            for (Path c : candidates) {
                tried.add(c);
                if (!Files.isRegularFile(c)) {
                    continue;
                }
                if (!c.toRealPath().startsWith(tree.toRealPath())) {
                    throw new IOException("list '" + name + "' at " + c + " leads out of the ruleset tree " + tree);
                }
                if (Files.size(c) > MAX_LIST_BYTES) {
                    throw new IOException("list '" + name + "' at " + c + " is larger than " + MAX_LIST_BYTES + " bytes");
                }
                String text = new String(Files.readAllBytes(c), java.nio.charset.StandardCharsets.UTF_8);
                try {
                    Map<String, String> entries = dev.bulwark.engine.loginspection.ossec.OssecLists.parse(text, c.toString());
                    lists.put(name, entries);
                    return entries;
                } catch (dev.bulwark.engine.loginspection.ossec.OssecLists.ListFormatException e) {
                    throw new IOException(e.getMessage());
                }
            }
        }
        throw new IOException("list '" + name + "' not found; looked at " + tried);
    }

    /** The directory's own {@code *.xml} files, not its subdirectories (OSSEC keeps translations in one), in name order. */
    private static List<Path> xmlFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory of ruleset XML files");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".xml") && Files.isRegularFile(p)).sorted().toList();
        }
    }
}
