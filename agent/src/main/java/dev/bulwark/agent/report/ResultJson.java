package dev.bulwark.agent.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.engine.Explanation;
import dev.bulwark.engine.Finding;
import dev.bulwark.engine.Verdict;
import dev.bulwark.engine.recommendation.RuleAssignment;

/**
 * One line of JSON per result: {@code kind}, the rule, what it says, and {@code explanation} with
 * the rule's package and name and each matched fact as {@code {"type": ..., "fact": {...}}}.
 */
public final class ResultJson {

    public static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private ResultJson() {
    }

    public static ObjectNode of(Finding f) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("kind", "finding");
        n.put("ruleId", f.ruleId());
        n.put("module", f.module().id());
        n.put("severity", f.severity().label());
        n.put("message", f.message());
        n.set("evidence", MAPPER.valueToTree(f.evidence()));
        n.set("explanation", explanation(f.explanation()));
        return n;
    }

    public static ObjectNode of(Verdict v) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("kind", "verdict");
        n.put("ruleId", v.ruleId());
        n.put("module", v.module().id());
        n.put("action", v.action().name().toLowerCase(java.util.Locale.ROOT));
        n.put("reason", v.reason());
        n.set("explanation", explanation(v.explanation()));
        return n;
    }

    public static ObjectNode of(RuleAssignment a) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("kind", "assignment");
        n.put("ruleId", a.explanation().ruleId());
        n.put("assignRuleId", a.assignRuleId());
        n.put("reason", a.reason());
        n.set("explanation", explanation(a.explanation()));
        return n;
    }

    /** A rule that threw; the agent reports it like a result so a broken rule is seen, not silent. */
    public static ObjectNode of(dev.bulwark.engine.evaluation.RuleFailure f) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("kind", "rule-failure");
        n.put("ruleId", f.ruleId());
        n.put("error", f.error());
        return n;
    }

    private static ObjectNode explanation(Explanation e) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("rulePackage", e.rulePackage());
        n.put("ruleName", e.ruleName());
        ArrayNode facts = n.putArray("facts");
        for (Object fact : e.facts()) {
            ObjectNode f = facts.addObject();
            f.put("type", fact.getClass().getSimpleName());
            f.set("fact", MAPPER.valueToTree(fact));
        }
        return n;
    }
}
