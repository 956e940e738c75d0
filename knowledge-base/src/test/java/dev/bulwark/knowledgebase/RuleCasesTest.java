package dev.bulwark.knowledgebase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bulwark.engine.Finding;
import dev.bulwark.engine.Verdict;
import dev.bulwark.engine.evaluation.EvaluationResult;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.recommendation.RuleAssignment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs every case of every rule file against the signed default bundle: one named test per case. */
class RuleCasesTest {

    @TestFactory
    Stream<DynamicNode> everyCaseOfEveryRule() throws Exception {
        LoadedKnowledgeBase kb = KnowledgeBaseFixture.knowledgeBase();
        List<DynamicNode> files = new ArrayList<>();
        for (Path file : KnowledgeBaseFixture.files(".cases.yaml")) {
            RuleCases cases = RuleCases.read(file);
            List<DynamicTest> tests = new ArrayList<>();
            for (RuleCases.Case c : cases.cases()) {
                tests.add(DynamicTest.dynamicTest(c.name(), () -> check(kb, c)));
            }
            files.add(DynamicContainer.dynamicContainer(KnowledgeBaseFixture.RULES.relativize(file).toString(), tests.stream()));
        }
        return files.stream();
    }

    static void check(LoadedKnowledgeBase kb, RuleCases.Case c) {
        EvaluationResult r = kb.evaluate(c.facts());
        compare("findings", c.findings(), countByRule(r.findings().stream().map(Finding::ruleId).toList()), r);
        compare("verdicts", c.verdicts(), countByRule(r.verdicts().stream().map(Verdict::ruleId).toList()), r);
        compare("assignments", c.assignments(), countByRule(r.assignments().stream().map(a -> a.explanation().ruleId()).toList()), r);
        for (RuleCases.Expectation e : c.findings()) {
            for (Finding f : r.findings()) {
                if (!f.ruleId().equals(e.rule())) {
                    continue;
                }
                if (e.severity() != null) {
                    assertEquals(e.severity(), f.severity().label(), "severity of " + e.rule());
                }
                e.evidence().forEach((k, v) -> assertEquals(v, f.evidence().get(k), "evidence '" + k + "' of " + e.rule() + " in " + f.evidence()));
                assertTrue(!f.explanation().facts().isEmpty(), "a finding names the facts it matched");
            }
        }
        for (RuleCases.Expectation e : c.verdicts()) {
            for (Verdict v : r.verdicts()) {
                if (v.ruleId().equals(e.rule()) && e.action() != null) {
                    assertEquals(e.action(), v.action().name().toLowerCase(Locale.ROOT), "action of " + e.rule());
                }
            }
        }
    }

    private static void compare(String what, List<RuleCases.Expectation> expected, Map<String, Integer> actual, EvaluationResult r) {
        Map<String, Integer> want = new TreeMap<>();
        for (RuleCases.Expectation e : expected) {
            want.merge(e.rule(), e.count(), Integer::sum);
        }
        if (!want.equals(actual)) {
            fail(what + ": expected " + want + " but the rules produced " + actual + "\n  " + describe(r));
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
        return sb.toString();
    }
}
