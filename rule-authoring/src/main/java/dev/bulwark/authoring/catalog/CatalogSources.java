package dev.bulwark.authoring.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bulwark.engine.RuleMetadata;
import dev.bulwark.engine.build.BundleBuilder;
import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import dev.bulwark.engine.policy.DrlPolicy;
import dev.bulwark.engine.policy.DrlSource;
import dev.bulwark.engine.policy.RuleProblem;
import dev.bulwark.engine.policy.RuleProblem.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.RuleDescr;

/**
 * Turns DRL into catalog entries: metadata from the annotations, the description from
 * {@code @description} or the comment block above the rule, the rule's own text, whether it can
 * prevent (its consequence decides BLOCK, QUARANTINE or DELETE), and how many cases in the
 * {@code .cases.yaml} beside the file expect it to fire. Files are parsed with the DRL policy's
 * parser; a file that does not parse, or a rule without an id, is reported and left out.
 */
public final class CatalogSources {

    /** A rules tree read into entries, with what could not be catalogued. */
    public record Read(List<CatalogRule> rules, List<RuleProblem> problems) {
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern PREVENTING = Pattern.compile("Action\\.(BLOCK|QUARANTINE|DELETE)\\b");
    private static final Pattern RULE_END = Pattern.compile("^\\s*end\\s*(//.*)?$");

    private final DrlPolicy policy = DrlPolicy.standard();

    /** Every {@code .drl} below {@code root}; case counts come from the {@code .cases.yaml} beside each file. */
    public Read readTree(Path root, String source) throws IOException {
        List<DrlSource> files = BundleBuilder.readSources(root);
        List<CatalogRule> rules = new ArrayList<>();
        List<RuleProblem> problems = new ArrayList<>();
        for (DrlSource file : files) {
            Path cases = root.resolve(file.path().replaceAll("\\.drl$", ".cases.yaml"));
            Map<String, Integer> counts = new HashMap<>();
            if (Files.isRegularFile(cases)) {
                try {
                    counts = caseCounts(Files.readString(cases));
                } catch (IOException e) {
                    problems.add(RuleProblem.error(Kind.PARSE_ERROR, null, root.relativize(cases).toString(), 1, 1,
                            "cases file is not readable YAML (" + e.getMessage() + "); its rules are catalogued with 0 cases"));
                }
            }
            read(file, source, counts, rules, problems);
        }
        return new Read(rules, problems);
    }

    /** DRL that has no files on disk (imported rulesets): no cases. */
    public Read readSources(List<DrlSource> files, String source) {
        List<CatalogRule> rules = new ArrayList<>();
        List<RuleProblem> problems = new ArrayList<>();
        for (DrlSource file : files) {
            read(file, source, Map.of(), rules, problems);
        }
        return new Read(rules, problems);
    }

    private void read(DrlSource file, String source, Map<String, Integer> caseCounts, List<CatalogRule> out, List<RuleProblem> problems) {
        DrlPolicy.Checked checked = policy.checkAndParse(file);
        if (checked.parsed().isEmpty()) {
            problems.addAll(checked.problems());
            return;
        }
        PackageDescr pkg = checked.parsed().get();
        String[] lines = file.text().split("\n", -1);
        for (RuleDescr rule : pkg.getRules()) {
            if (rule.isQuery()) {
                continue;
            }
            Map<String, Object> values = KnowledgeBaseCompiler.annotationValues(rule);
            RuleMetadata md;
            try {
                md = RuleMetadata.fromAnnotations(pkg.getName(), rule.getName(), values);
            } catch (NumberFormatException e) {
                md = RuleMetadata.fromAnnotations(pkg.getName(), rule.getName(), withoutCvss(values));
                problems.add(RuleProblem.error(Kind.INVALID_METADATA, md.id(), file.path(), rule.getLine(), rule.getColumn() + 1,
                        "@cvss is not a number; catalogued without a score"));
            }
            if (md.id() == null || md.id().isBlank()) {
                problems.add(RuleProblem.error(Kind.MISSING_METADATA, null, file.path(), rule.getLine(), rule.getColumn() + 1,
                        "rule '" + rule.getName() + "' has no @id and cannot be catalogued"));
                continue;
            }
            if (!KnowledgeBaseCompiler.ID_FORMAT.matcher(md.id()).matches()) {
                problems.add(RuleProblem.error(Kind.INVALID_METADATA, md.id(), file.path(), rule.getLine(), rule.getColumn() + 1,
                        "@id \"" + md.id() + "\" is not of the form PREFIX-NAME-0001 and cannot be catalogued"));
                continue;
            }
            String text = ruleText(lines, rule.getLine());
            String description = RuleMetadata.unquote(values.get("description"));
            if (description == null || description.isBlank()) {
                description = commentAbove(lines, rule.getLine());
            }
            out.add(new CatalogRule(md.id(), md.title(), description, md.module(), md.severity(), md.cves(), md.cvss(),
                    md.application(), md.tags(), PREVENTING.matcher(text).find() ? CatalogRule.PREVENT : CatalogRule.DETECT_ONLY,
                    source, 1, text, caseCounts.getOrDefault(md.id(), 0), List.of(), file.path() + ":" + rule.getLine()));
        }
    }

    private static Map<String, Object> withoutCvss(Map<String, Object> values) {
        Map<String, Object> copy = new HashMap<>(values);
        copy.remove(RuleMetadata.CVSS);
        return copy;
    }

    /** From the rule's first line to its {@code end} (or the end of the file). */
    static String ruleText(String[] lines, int firstLine) {
        int from = Math.max(0, firstLine - 1);
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < lines.length; i++) {
            sb.append(lines[i]).append('\n');
            if (i > from && RULE_END.matcher(lines[i]).matches()) {
                break;
            }
        }
        return sb.toString().strip();
    }

    /** The {@code //} comment lines directly above the rule, joined into one paragraph. */
    static String commentAbove(String[] lines, int firstLine) {
        List<String> comment = new ArrayList<>();
        for (int i = firstLine - 2; i >= 0; i--) {
            String t = lines[i].strip();
            if (!t.startsWith("//")) {
                break;
            }
            comment.addFirst(t.substring(2).strip());
        }
        return String.join(" ", comment).replaceAll("\\s+", " ").strip();
    }

    /** Cases per rule id: a case counts for every rule its expectations name. */
    static Map<String, Integer> caseCounts(String yaml) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        JsonNode root = YAML.readTree(yaml);
        if (root == null) {
            return counts;
        }
        for (JsonNode c : root.path("cases")) {
            Set<String> named = new LinkedHashSet<>();
            for (String kind : List.of("findings", "verdicts", "assignments")) {
                for (JsonNode e : c.path("expect").path(kind)) {
                    if (e.hasNonNull("rule")) {
                        named.add(e.get("rule").asText());
                    }
                }
            }
            named.forEach(id -> counts.merge(id, 1, Integer::sum));
        }
        return counts;
    }
}
