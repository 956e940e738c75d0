package dev.bulwark.authoring.cli;

import dev.bulwark.authoring.cases.RuleTests;
import dev.bulwark.engine.build.RuleBuildException;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.policy.RuleProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark-rules test}: run the rules' cases. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Compile each rules directory and run every .cases.yaml below it: facts in, exactly the expected findings,",
                "verdicts and assignments out. Lists each failing case with its file and line, and rules no case expects to fire."},
        footer = {"", "Exit codes: 0 all cases pass, 2 a case fails or the rules do not compile, 4 I/O error."})
final class TestCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "rules directories")
    List<Path> dirs;
    @Option(names = "--json", description = "print outcomes and problems as JSON")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<RuleTests.Outcome> outcomes = new ArrayList<>();
        List<RuleProblem> problems = new ArrayList<>();
        for (Path dir : dirs) {
            LoadedKnowledgeBase kb;
            try {
                kb = RulesCommand.compileAndLoad(dir);
            } catch (RuleBuildException e) {
                problems.addAll(e.problems());
                continue;
            }
            RuleTests.Report r = RuleTests.run(dir, kb);
            outcomes.addAll(r.outcomes());
            problems.addAll(r.problems());
        }
        long failed = outcomes.stream().filter(o -> !o.passed()).count();
        boolean errors = problems.stream().anyMatch(RuleProblem::isError);
        if (json) {
            var n = RulesCommand.JSON.createObjectNode();
            n.put("cases", outcomes.size());
            n.put("failed", failed);
            n.set("outcomes", RulesCommand.JSON.valueToTree(outcomes));
            n.set("problems", RulesCommand.JSON.valueToTree(problems));
            System.out.println(RulesCommand.JSON.writeValueAsString(n));
        } else {
            problems.forEach(p -> System.err.println(p));
            System.out.printf("%d cases, %d passed, %d failed%n", outcomes.size(), outcomes.size() - failed, failed);
        }
        return errors ? RulesCommand.RULE_PROBLEMS : RulesCommand.OK;
    }
}
