package dev.bulwark.engine.build;

import dev.bulwark.engine.policy.RuleProblem;
import java.util.List;

/** Rule content that cannot become a knowledge base; {@link #problems()} says every place and why. */
public final class RuleBuildException extends Exception {
    private final List<RuleProblem> problems;

    public RuleBuildException(List<RuleProblem> problems) {
        super(summary(problems));
        this.problems = List.copyOf(problems);
    }

    public List<RuleProblem> problems() {
        return problems;
    }

    private static String summary(List<RuleProblem> problems) {
        long errors = problems.stream().filter(RuleProblem::isError).count();
        StringBuilder sb = new StringBuilder(errors + " problem(s) stop the build:");
        problems.stream().filter(RuleProblem::isError).limit(20).forEach(p -> sb.append("\n  ").append(p));
        if (errors > 20) {
            sb.append("\n  ... and ").append(errors - 20).append(" more");
        }
        return sb.toString();
    }
}
