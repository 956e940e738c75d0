package dev.bulwark.engine.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.TestRules;
import dev.bulwark.engine.policy.RuleProblem;
import dev.bulwark.engine.policy.RuleProblem.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnowledgeBaseCompilerTest {

    private static final String HEADER = """
            package rules.meta;
            import dev.bulwark.engine.loginspection.LogEvent;
            """;

    private static List<RuleProblem> problems(String... drl) {
        return assertThrows(RuleBuildException.class, () -> new KnowledgeBaseCompiler().compile(TestRules.sources(drl))).problems();
    }

    @Test
    void ruleWithoutIdIsABuildError() {
        List<RuleProblem> p = problems(HEADER + "rule \"no id\" @title(\"t\") @module(\"loginspection\") @severity(\"low\") when LogEvent( decoder == \"x\" ) then end");
        assertEquals(Kind.MISSING_METADATA, p.get(0).kind());
        assertEquals(3, p.get(0).line());
    }

    @Test
    void duplicateIdAcrossFilesIsABuildError() {
        String rule = "rule \"%s\" @id(\"LI-DUP-0001\") @title(\"t\") @module(\"loginspection\") @severity(\"low\") when LogEvent( decoder == \"x\" ) then end\n";
        List<RuleProblem> p = problems(HEADER + rule.formatted("a"), HEADER.replace("rules.meta", "rules.meta2") + rule.formatted("b"));
        assertEquals(1, p.size(), p.toString());
        assertEquals(Kind.DUPLICATE_ID, p.get(0).kind());
        assertTrue(p.get(0).message().contains("test/rules0.drl:3"), p.get(0).message());
    }

    @Test
    void invalidModuleSeverityAndIdAreReportedTogether() {
        List<RuleProblem> p = problems(HEADER + "rule \"r\" @id(\"lowercase\") @title(\"t\") @module(\"nosuch\") @severity(\"apocalyptic\") when LogEvent( decoder == \"x\" ) then end");
        assertEquals(3, p.size(), p.toString());
        assertTrue(p.stream().allMatch(x -> x.kind() == Kind.INVALID_METADATA));
    }

    @Test
    void compilerErrorsComeBackWithTheDrlFile() {
        List<RuleProblem> p = problems(HEADER + "rule \"r\" @id(\"LI-X-0001\") @title(\"t\") @module(\"loginspection\") @severity(\"low\")\n"
                + "when LogEvent( noSuchField == \"x\" ) then end");
        assertTrue(p.stream().anyMatch(x -> x.kind() == Kind.COMPILE_ERROR && x.path().equals("test/rules0.drl")), p.toString());
    }

    @Test
    void aMonitorSpecThatDoesNotParseIsABuildErrorNamingTheRule() {
        String fim = """
                package rules.fim;
                import dev.bulwark.engine.integrity.FileChange;
                rule "r" @id("IM-X-0001") @title("t") @module("integrity") @severity("low")
                    @monitor("etc/relative, /ok/**") @attributes("sha256,colour")
                when FileChange( expected == false ) then end
                """;
        List<RuleProblem> p = problems(fim.replace("sha256,colour", "STANDARD"));
        assertEquals(1, p.size(), p.toString());
        assertEquals(Kind.INVALID_METADATA, p.get(0).kind());
        assertTrue(p.get(0).message().contains("'etc/relative' is not absolute"), p.get(0).message());
        List<RuleProblem> attrs = problems(fim.replace("etc/relative", "/etc/ok"));
        assertTrue(attrs.get(0).message().contains("unknown attribute 'colour'"), attrs.get(0).message());
        List<RuleProblem> module = problems(fim.replace("etc/relative", "/etc/ok").replace("sha256,colour", "STANDARD").replace("\"integrity\"", "\"loginspection\""));
        assertTrue(module.get(0).message().contains("@monitor belongs on integrity rules"), module.toString());
        List<RuleProblem> entities = problems(fim.replace("@monitor(\"etc/relative, /ok/**\") @attributes(\"sha256,colour\")", "@monitorEntities(\"users,printers\")"));
        assertTrue(entities.get(0).message().contains("@monitorEntities: unknown entity type 'printers'"), entities.toString());
    }
}
