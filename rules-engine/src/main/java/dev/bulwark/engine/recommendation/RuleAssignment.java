package dev.bulwark.engine.recommendation;

import dev.bulwark.engine.Explanation;
import org.kie.api.runtime.rule.RuleContext;

/**
 * Output of a recommendation rule: the host should run rule {@code assignRuleId}. Inserted by
 * rules like a finding; the manager turns it into an assignment.
 */
public record RuleAssignment(String assignRuleId, String reason, Explanation explanation) {

    public static RuleAssignment recommend(RuleContext kcontext, String assignRuleId, String reason) {
        return new RuleAssignment(assignRuleId, reason, Explanation.of(kcontext));
    }
}
