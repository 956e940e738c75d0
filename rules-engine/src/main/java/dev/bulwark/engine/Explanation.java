package dev.bulwark.engine;

import java.util.ArrayList;
import java.util.List;
import org.kie.api.definition.rule.Rule;
import org.kie.api.runtime.rule.RuleContext;

/**
 * Why a result exists: the rule that produced it (stable id, DRL package and name) and the facts
 * its match bound. "Why was this blocked?" is answered from this alone.
 */
public record Explanation(String ruleId, String rulePackage, String ruleName, List<Object> facts) {
    public Explanation {
        facts = List.copyOf(facts);
    }

    /** The explanation of the rule firing now, read from its consequence context ({@code kcontext}). */
    public static Explanation of(RuleContext kcontext) {
        Rule rule = kcontext.getRule();
        List<Object> facts = new ArrayList<>();
        for (Object o : kcontext.getMatch().getObjects()) {
            if (o != null) {
                facts.add(o);
            }
        }
        return new Explanation(RuleMetadata.idOf(rule), rule.getPackageName(), rule.getName(), facts);
    }
}
