package dev.bulwark.engine.evaluation;

import dev.bulwark.engine.Finding;
import dev.bulwark.engine.Verdict;
import dev.bulwark.engine.recommendation.RuleAssignment;
import java.util.ArrayList;
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

    /** Several firings' results as one, in order. */
    public static EvaluationResult merge(List<EvaluationResult> parts) {
        List<EvaluationResult> nonEmpty = parts.stream().filter(p -> p.rulesFired() > 0 || !p.isEmpty() || !p.failures().isEmpty()).toList();
        if (nonEmpty.isEmpty()) {
            return EMPTY;
        }
        if (nonEmpty.size() == 1) {
            return nonEmpty.get(0);
        }
        List<Finding> f = new ArrayList<>();
        List<Verdict> v = new ArrayList<>();
        List<RuleAssignment> a = new ArrayList<>();
        List<RuleFailure> failed = new ArrayList<>();
        int fired = 0;
        for (EvaluationResult p : nonEmpty) {
            f.addAll(p.findings());
            v.addAll(p.verdicts());
            a.addAll(p.assignments());
            failed.addAll(p.failures());
            fired += p.rulesFired();
        }
        return new EvaluationResult(f, v, a, fired, failed);
    }
}
