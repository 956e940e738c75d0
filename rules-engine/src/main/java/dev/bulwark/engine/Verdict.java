package dev.bulwark.engine;

import java.util.Objects;
import org.kie.api.runtime.rule.RuleContext;

/**
 * A decision an enforcer carries out (allow an exec, quarantine a file, block a connection).
 * Rules insert verdicts: {@code insert(Verdict.decide(kcontext, Action.BLOCK, "unrecognised executable"));}
 */
public record Verdict(String ruleId, ProtectionModule module, Action action, String reason, Explanation explanation) {

    public Verdict {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reason, "reason");
    }

    public static Verdict decide(RuleContext kcontext, Action action, String reason) {
        Explanation why = Explanation.of(kcontext);
        return new Verdict(why.ruleId(), RuleMetadata.moduleOf(kcontext.getRule()), action, reason, why);
    }
}
