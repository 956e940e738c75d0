package dev.bulwark.engine.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleShapeLintTest {

    private static final String HEADER = """
            package rules.lint;
            import dev.bulwark.engine.loginspection.LogEvent;
            import dev.bulwark.engine.Finding;
            import dev.bulwark.engine.Severity;
            """;

    private static List<RuleProblem> lint(String drl) {
        DrlPolicy policy = DrlPolicy.standard();
        return RuleShapeLint.check(List.of(policy.checkAndParse(new DrlSource("lint.drl", drl))));
    }

    private static String family(int n, String patternFor) {
        StringBuilder sb = new StringBuilder(HEADER);
        for (int i = 0; i < n; i++) {
            sb.append("rule \"r").append(i).append("\" @id(\"LI-LINT-").append(i).append("\")\nwhen\n    ")
                    .append(patternFor.replace("#", String.valueOf(i)))
                    .append("\nthen\n    insert(Finding.raise(kcontext, Severity.LOW, \"x\"));\nend\n");
        }
        return sb.toString();
    }

    @Test
    void familyJoiningOnAnUnkeyedEventIsReportedOncePerRule() {
        List<RuleProblem> problems = lint(family(4, "$e: LogEvent()\n    LogEvent( id == $e.id(), action == \"a#\" )"));
        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.stream().allMatch(p -> p.kind() == RuleProblem.Kind.JOIN_WITHOUT_LITERAL && !p.isError()));
        assertTrue(problems.stream().allMatch(p -> p.line() > 0));
    }

    @Test
    void familyKeyedOnLiteralsIsClean() {
        assertEquals(List.of(), lint(family(5, "LogEvent( decoder == \"sshd\", action == \"a#\" )")));
    }

    @Test
    void enumConstantsCountAsLiterals() {
        String drl = HEADER + "import dev.bulwark.engine.Finding;\n";
        List<String> rules = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rules.add("rule \"f" + i + "\" @id(\"LI-LINT-1" + i + "\") when Finding( severity == Severity.HIGH, ruleId == \"R" + i + "\" ) then end\n");
        }
        assertEquals(List.of(), lint(drl + String.join("", rules)));
    }

    @Test
    void equalityUnderOrOrInDoesNotKeyThePattern() {
        assertEquals(3, lint(family(3, "LogEvent( decoder == \"a\" || decoder == \"b#\" )")).size());
        assertEquals(3, lint(family(3, "LogEvent( decoder in (\"a\", \"b#\") )")).size());
        assertEquals(0, lint(family(3, "LogEvent( decoder == \"a\" && action == \"b#\" )")).size());
    }

    @Test
    void smallFamiliesAreNotWorthAWarning() {
        assertEquals(List.of(), lint(family(2, "$e: LogEvent()")));
    }
}
