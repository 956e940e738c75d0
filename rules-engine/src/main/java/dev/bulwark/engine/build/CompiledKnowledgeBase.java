package dev.bulwark.engine.build;

import dev.bulwark.engine.RuleMetadata;
import dev.bulwark.engine.policy.RuleProblem;
import java.util.List;

/**
 * The output of compilation: the executable-model KJAR, the metadata of every rule in it, and
 * warnings that did not stop the build (rule-shape lint).
 */
public record CompiledKnowledgeBase(byte[] kjar, List<RuleMetadata> rules, List<RuleProblem> warnings) {
    public CompiledKnowledgeBase {
        rules = List.copyOf(rules);
        warnings = List.copyOf(warnings);
    }
}
