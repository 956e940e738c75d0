package dev.bulwark.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kie.api.definition.rule.Rule;

/**
 * A rule's identity and catalog data, read from its DRL annotations
 * ({@code @id @title @module @severity @cve @cvss @application @tags @since}). The id is the key
 * everywhere (catalog, events, exports) and never changes once published.
 *
 * @param cves  CVE ids, from a comma-separated {@code @cve}
 * @param cvss  base score, or {@code null} when the rule is not about a vulnerability
 * @param tags  from a comma-separated {@code @tags}
 */
public record RuleMetadata(String id, String rulePackage, String ruleName, String title, String module,
                           String severity, List<String> cves, Double cvss, String application,
                           List<String> tags, String since) {

    public static final String ID = "id";
    public static final String TITLE = "title";
    public static final String MODULE = "module";
    public static final String SEVERITY = "severity";
    public static final String CVE = "cve";
    public static final String CVSS = "cvss";
    public static final String APPLICATION = "application";
    public static final String TAGS = "tags";
    public static final String SINCE = "since";

    public RuleMetadata {
        cves = List.copyOf(cves);
        tags = List.copyOf(tags);
    }

    /** Builds metadata from annotation values as either the DRL parser or a loaded rule exposes them. */
    public static RuleMetadata fromAnnotations(String rulePackage, String ruleName, Map<String, ?> values) {
        String cvss = unquote(values.get(CVSS));
        return new RuleMetadata(unquote(values.get(ID)), rulePackage, ruleName, unquote(values.get(TITLE)),
                unquote(values.get(MODULE)), unquote(values.get(SEVERITY)), split(unquote(values.get(CVE))),
                cvss == null || cvss.isBlank() ? null : Double.valueOf(cvss.trim()), unquote(values.get(APPLICATION)),
                split(unquote(values.get(TAGS))), unquote(values.get(SINCE)));
    }

    public static RuleMetadata of(Rule rule) {
        return fromAnnotations(rule.getPackageName(), rule.getName(), rule.getMetaData());
    }

    /** The {@code @module} of a loaded rule; a rule without one cannot raise results. */
    public static ProtectionModule moduleOf(Rule rule) {
        return ProtectionModule.fromId(unquote(rule.getMetaData().get(MODULE)));
    }

    /** The stable id of a loaded rule, or {@code package.name} for a rule without {@code @id} (the build forbids those). */
    public static String idOf(Rule rule) {
        String id = unquote(rule.getMetaData().get(ID));
        return id == null ? rule.getPackageName() + "." + rule.getName() : id;
    }

    /**
     * The executable model keeps an annotation value with its DRL quotes ({@code "\"LI-SSH-0001\""})
     * while the classic engine strips them; both read the same through this.
     */
    public static String unquote(Object value) {
        if (value == null) {
            return null;
        }
        String s = value.toString().trim();
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1);
        }
        return s;
    }

    private static List<String> split(String csv) {
        List<String> out = new ArrayList<>();
        if (csv != null) {
            for (String part : csv.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }
}
