package dev.bulwark.knowledgebase;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.authoring.cases.CaseRunner;
import dev.bulwark.authoring.cases.RuleCases;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
                tests.add(DynamicTest.dynamicTest(c.name(), () -> assertEquals(List.of(), CaseRunner.check(kb, c),
                        KnowledgeBaseFixture.RULES.relativize(file) + ":" + c.line())));
            }
            files.add(DynamicContainer.dynamicContainer(KnowledgeBaseFixture.RULES.relativize(file).toString(), tests.stream()));
        }
        return files.stream();
    }
}
