package dev.bulwark.authoring.ossec;

import dev.bulwark.engine.loginspection.ossec.OssecEvent;
import dev.bulwark.engine.loginspection.ossec.OssecMatch;
import dev.bulwark.engine.loginspection.ossec.OssecRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Explains how an event walked an imported rule tree: at each node, the candidate children in the
 * order they are tried, and for each the condition that failed or that it matched. It evaluates
 * the importer's own conditions with the helpers the DRL calls, so it shows the same walk the
 * engine makes (correlation conditions excepted, which need the session's history).
 */
public final class OssecTracer {

    /** One candidate tried at one node. {@code failed} is null when the rule matched. */
    public record Step(int depth, String parent, String ruleId, int level, String failed) {
        @Override
        public String toString() {
            return "  ".repeat(depth) + "rule " + ruleId + " (level " + level + ")" + (failed == null ? " matched" : " failed: " + failed);
        }
    }

    private static final int MAX_STEPS = 10_000;
    private final List<ImportedRule> rules;

    public OssecTracer(List<ImportedRule> rules) {
        this.rules = rules.stream().sorted(Comparator.comparingInt(ImportedRule::rank).reversed()).toList();
    }

    public List<Step> trace(OssecEvent event) {
        List<Step> steps = new ArrayList<>();
        OssecMatch state = OssecMatch.root(event, null);
        while (steps.size() < MAX_STEPS) {
            OssecMatch next = null;
            for (ImportedRule r : rules) {
                if (state.depth() >= OssecImporter.MAX_DEPTH || !r.hangsUnder(state)) {
                    continue;
                }
                ImportedRule.Condition failing = r.firstFailing(event);
                if (failing == null && (r.correlation() != null || r.ignore() != null || r.firstTime())) {
                    // history lives in the engine's session; the walk continues as if it had not held
                    steps.add(new Step(state.depth(), state.node(), r.id(), r.level(), "conditions hold; correlation is decided by the engine's history"));
                    continue;
                }
                steps.add(new Step(state.depth(), state.node(), r.id(), r.level(), failing == null ? null : failing.toString()));
                if (failing == null) {
                    next = OssecRules.descend(state, r.id(), r.index(), r.level(), r.groups(), r.description(), r.noalert(), r.rank(),
                            r.rememberAs(), r.memberOf());
                    break;
                }
            }
            if (next != null) {
                state = next;
            } else if (state.atRoot() || !state.noalert()) {
                return steps;
            } else {
                state = OssecRules.backtrack(state);
            }
        }
        return steps;
    }
}
