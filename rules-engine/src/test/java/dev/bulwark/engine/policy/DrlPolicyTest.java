package dev.bulwark.engine.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bulwark.engine.TestRules;
import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import dev.bulwark.engine.build.RuleBuildException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file of the hostile corpus is refused before compilation, with a location; the allowed
 * corpus passes. Add a file to {@code policy/hostile} for every escape you think of.
 */
class DrlPolicyTest {

    private final DrlPolicy policy = DrlPolicy.standard();

    @TestFactory
    Stream<DynamicTest> everyHostileRuleIsRefusedWithALocation() throws IOException, URISyntaxException {
        return files("policy/hostile").map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            List<RuleProblem> problems = policy.check(new DrlSource(file.getFileName().toString(), Files.readString(file)));
            assertFalse(problems.isEmpty(), "policy accepted " + file.getFileName());
            assertTrue(problems.stream().allMatch(RuleProblem::isError), problems.toString());
            assertTrue(problems.stream().anyMatch(p -> p.line() > 0), "no line given: " + problems);
        }));
    }

    @TestFactory
    Stream<DynamicTest> hostileRulesNeverReachTheCompiler() throws IOException, URISyntaxException {
        // The compiler runs the policy first; a refusal must come from it, not from javac.
        return files("policy/hostile").map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            try {
                new KnowledgeBaseCompiler().compile(List.of(new DrlSource(file.getFileName().toString(), Files.readString(file))));
                fail("compiled " + file.getFileName());
            } catch (RuleBuildException e) {
                assertTrue(e.problems().stream().noneMatch(p -> p.kind() == RuleProblem.Kind.COMPILE_ERROR), e.getMessage());
                assertTrue(e.problems().stream().anyMatch(p -> p.kind().name().startsWith("FORBIDDEN") || p.kind() == RuleProblem.Kind.PARSE_ERROR),
                        "refused, but not by the policy: " + e.getMessage());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> allowedRulesPass() throws IOException, URISyntaxException {
        return files("policy/allowed").map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            List<RuleProblem> problems = policy.check(new DrlSource(file.getFileName().toString(), Files.readString(file)));
            assertEquals(List.of(), problems);
            new KnowledgeBaseCompiler().compile(List.of(new DrlSource(file.getFileName().toString(), Files.readString(file))));
        }));
    }

    @Test
    void problemPointsAtTheOffendingLineAndColumn() {
        String drl = """
                package rules.x;
                import dev.bulwark.engine.loginspection.LogEvent;
                rule "x" @id("H-X-0100")
                when
                    $e: LogEvent( decoder == "sshd" )
                then
                    insert($e);
                    System.exit(1);
                end
                """;
        List<RuleProblem> problems = policy.check(new DrlSource("x.drl", drl));
        RuleProblem p = problems.get(0);
        assertEquals(8, p.line(), problems.toString());
        assertEquals(5, p.column(), problems.toString());
        assertEquals("H-X-0100", p.ruleId());
        assertEquals("x.drl", p.path());
    }

    @Test
    void testRulesOfTheEngineSuitePass() {
        assertEquals(List.of(), policy.check(TestRules.sources(TestRules.SSH_RULES).get(0)));
    }

    private static Stream<Path> files(String dir) throws IOException, URISyntaxException {
        Path root = Path.of(DrlPolicyTest.class.getClassLoader().getResource(dir).toURI());
        List<Path> list;
        try (Stream<Path> s = Files.list(root)) {
            list = s.filter(p -> p.toString().endsWith(".drl")).sorted().toList();
        }
        return list.stream();
    }
}
