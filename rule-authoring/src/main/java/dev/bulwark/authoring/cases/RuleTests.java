package dev.bulwark.authoring.cases;

import dev.bulwark.authoring.catalog.CatalogRule;
import dev.bulwark.authoring.catalog.CatalogSources;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.policy.RuleProblem;
import dev.bulwark.engine.policy.RuleProblem.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs every {@code .cases.yaml} below a rules directory against the rules compiled from it, and
 * finds the rules no case expects to fire. Failures and unreadable case files are errors with the
 * case's file and line; a rule without cases is a warning at the rule.
 */
public final class RuleTests {

    /** One case and what differed (empty when it passed). */
    public record Outcome(String file, int line, String name, List<String> failures) {
        public boolean passed() {
            return failures.isEmpty();
        }
    }

    public record Report(List<Outcome> outcomes, List<RuleProblem> problems) {
        public long failed() {
            return outcomes.stream().filter(o -> !o.passed()).count();
        }
    }

    private RuleTests() {
    }

    public static Report run(Path root, LoadedKnowledgeBase kb) throws IOException {
        List<Outcome> outcomes = new ArrayList<>();
        List<RuleProblem> problems = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".cases.yaml") && Files.isRegularFile(p)).sorted().toList();
        }
        for (Path file : files) {
            String rel = root.relativize(file).toString().replace('\\', '/');
            RuleCases cases;
            try {
                cases = RuleCases.read(file);
            } catch (IOException | IllegalArgumentException e) {
                problems.add(RuleProblem.error(Kind.INVALID_CASES, null, rel, 1, 1, e.getMessage()));
                continue;
            }
            for (RuleCases.Case c : cases.cases()) {
                List<String> failures = CaseRunner.check(kb, c);
                outcomes.add(new Outcome(rel, c.line(), c.name(), failures));
                if (!failures.isEmpty()) {
                    String rule = c.firingRules().isEmpty() ? null : c.firingRules().getFirst();
                    problems.add(RuleProblem.error(Kind.CASE_FAILED, rule, rel, c.line(), 1,
                            "case '" + c.name() + "': " + String.join("; ", failures)));
                }
            }
        }
        for (CatalogRule r : new CatalogSources().readTree(root, "lint").rules()) {
            if (r.caseCount() == 0) {
                String[] at = r.path().split(":(?=\\d+$)");
                problems.add(RuleProblem.warning(Kind.MISSING_CASES, r.id(), at[0], at.length > 1 ? Integer.parseInt(at[1]) : 0, 1,
                        "no case expects this rule to fire; add one to " + at[0].replaceAll("\\.drl$", ".cases.yaml")));
            }
        }
        return new Report(outcomes, problems);
    }
}
