package dev.bulwark.authoring.cases;

import dev.bulwark.engine.Finding;
import dev.bulwark.engine.Verdict;
import dev.bulwark.engine.evaluation.EvaluationResult;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.recommendation.RuleAssignment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Checks a knowledge base against a case: the facts go into a fresh session and the results must
 * be exactly the expected ones, by rule and count, with the expected severity, action and
 * evidence; a rule that is not listed must not fire. Returns what differs; empty means it passes.
 */
public final class CaseRunner {

    private CaseRunner() {
    }

    public static List<String> check(LoadedKnowledgeBase kb, RuleCases.Case c) {
        List<String> failures = new ArrayList<>();
        EvaluationResult r = kb.evaluate(c.facts());
        compare("findings", c.findings(), countByRule(r.findings().stream().map(Finding::ruleId).toList()), r, failures);
        compare("verdicts", c.verdicts(), countByRule(r.verdicts().stream().map(Verdict::ruleId).toList()), r, failures);
        compare("assignments", c.assignments(), countByRule(r.assignments().stream().map(a -> a.explanation().ruleId()).toList()), r, failures);
        for (RuleCases.Expectation e : c.findings()) {
            for (Finding f : r.findings()) {
                if (!f.ruleId().equals(e.rule())) {
                    continue;
                }
                if (e.severity() != null && !e.severity().equals(f.severity().label())) {
                    failures.add("severity of " + e.rule() + ": expected " + e.severity() + ", was " + f.severity().label());
                }
                e.evidence().forEach((k, v) -> {
                    if (!Objects.equals(v, f.evidence().get(k))) {
                        failures.add("evidence '" + k + "' of " + e.rule() + ": expected " + v + ", was " + f.evidence().get(k) + " in " + f.evidence());
                    }
                });
                if (f.explanation().facts().isEmpty()) {
                    failures.add(e.rule() + " raised a finding that names no facts");
                }
            }
        }
        for (RuleCases.Expectation e : c.verdicts()) {
            for (Verdict v : r.verdicts()) {
                if (v.ruleId().equals(e.rule()) && e.action() != null && !e.action().equals(v.action().name().toLowerCase(Locale.ROOT))) {
                    failures.add("action of " + e.rule() + ": expected " + e.action() + ", was " + v.action().name().toLowerCase(Locale.ROOT));
                }
            }
        }
        return failures;
    }

    private static void compare(String what, List<RuleCases.Expectation> expected, Map<String, Integer> actual, EvaluationResult r,
                                List<String> failures) {
        Map<String, Integer> want = new TreeMap<>();
        for (RuleCases.Expectation e : expected) {
            want.merge(e.rule(), e.count(), Integer::sum);
        }
        if (!want.equals(actual)) {
            failures.add(what + ": expected " + want + " but the rules produced " + actual + "\n  " + describe(r));
        }
    }

    private static Map<String, Integer> countByRule(List<String> ids) {
        Map<String, Integer> out = new TreeMap<>();
        ids.forEach(id -> out.merge(id, 1, Integer::sum));
        return out;
    }

    private static String describe(EvaluationResult r) {
        StringBuilder sb = new StringBuilder();
        r.findings().forEach(f -> sb.append("finding ").append(f.ruleId()).append(' ').append(f.severity().label()).append(": ").append(f.message()).append("\n  "));
        r.verdicts().forEach(v -> sb.append("verdict ").append(v.ruleId()).append(' ').append(v.action()).append(": ").append(v.reason()).append("\n  "));
        for (RuleAssignment a : r.assignments()) {
            sb.append("assign ").append(a.assignRuleId()).append(" by ").append(a.explanation().ruleId()).append("\n  ");
        }
        return sb.toString().strip();
    }
}
