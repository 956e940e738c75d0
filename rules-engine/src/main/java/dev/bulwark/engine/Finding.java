package dev.bulwark.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.kie.api.runtime.rule.RuleContext;

/**
 * Something a rule saw, with a severity. Rules insert findings, they never mutate facts to report:
 * {@code insert(Finding.raise(kcontext, Severity.HIGH, "root login from " + $e.srcIp(), "srcip", $e.srcIp()));}
 *
 * @param evidence the fields that matter for triage, in the order the rule gave them
 */
public record Finding(String ruleId, ProtectionModule module, Severity severity, String message,
                      Map<String, String> evidence, Explanation explanation) {

    public Finding {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        evidence = evidence == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    /**
     * Raises a finding from a rule consequence. The rule id and module come from the firing rule's
     * {@code @id} and {@code @module}; the explanation from its match.
     *
     * @param evidence alternating keys and values; values are rendered with {@link String#valueOf(Object)}
     */
    public static Finding raise(RuleContext kcontext, Severity severity, String message, Object... evidence) {
        Explanation why = Explanation.of(kcontext);
        return new Finding(why.ruleId(), RuleMetadata.moduleOf(kcontext.getRule()), severity, message, pairs(evidence), why);
    }

    static Map<String, String> pairs(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("evidence takes key/value pairs; got an odd number of arguments");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            out.put(String.valueOf(keyValues[i]), String.valueOf(keyValues[i + 1]));
        }
        return out;
    }
}
