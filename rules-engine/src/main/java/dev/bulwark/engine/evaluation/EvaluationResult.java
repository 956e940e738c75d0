package dev.bulwark.engine.evaluation;

import dev.bulwark.engine.Finding;
import dev.bulwark.engine.Verdict;
import dev.bulwark.engine.recommendation.RuleAssignment;
import java.util.List;

/**
 * What the rules produced for one batch: findings, verdicts and recommendations, in firing order,
 * and the rules that failed while doing so.
 */
public record EvaluationResult(List<Finding> findings, List<Verdict> verdicts, List<RuleAssignment> assignments, int rulesFired,
                               List<RuleFailure> failures) {
    public static final EvaluationResult EMPTY = new EvaluationResult(List.of(), List.of(), List.of(), 0, List.of());

    public EvaluationResult {
        findings = List.copyOf(findings);
        verdicts = List.copyOf(verdicts);
        assignments = List.copyOf(assignments);
        failures = List.copyOf(failures);
    }

    public boolean isEmpty() {
        return findings.isEmpty() && verdicts.isEmpty() && assignments.isEmpty();
    }
}
