package dev.bulwark.authoring.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.policy.RuleProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogSourcesTest {

    @Test
    void readsDescriptionTextStatusAndCaseCounts(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("web.drl"), """
                package rules.ips;

                import dev.bulwark.engine.appcontrol.ExecRequest;
                import dev.bulwark.engine.Verdict;
                import dev.bulwark.engine.Action;

                // Blocks the thing.
                // Second line of the comment.
                rule "block it"
                    @id("ORG-WEB-0001") @title("Block it") @module("appcontrol") @severity("high") @cve("CVE-2021-44228, CVE-2021-45046")
                    @cvss("10.0") @tags("rce, log4j")
                when
                    $x: ExecRequest( path == "/tmp/x" )
                then
                    insert(Verdict.decide(kcontext, Action.BLOCK, "no"));
                end

                rule "described"
                    @id("ORG-WEB-0002") @title("Described") @module("appcontrol") @severity("low") @description("Said in an annotation.")
                when
                    $x: ExecRequest( path == "/tmp/y" )
                then
                    insert(Verdict.decide(kcontext, Action.LOG_ONLY, "seen"));
                end

                rule "no id"
                    @title("No id") @module("appcontrol") @severity("low")
                when
                    $x: ExecRequest( path == "/tmp/z" )
                then
                end
                """);
        Files.writeString(dir.resolve("web.cases.yaml"), """
                cases:
                  - name: one
                    expect: {verdicts: [{rule: ORG-WEB-0001, action: block}]}
                  - name: two
                    expect: {verdicts: [{rule: ORG-WEB-0001, action: block}, {rule: ORG-WEB-0002, action: log_only}]}
                  - name: none
                    expect: {verdicts: []}
                """);
        Files.writeString(dir.resolve("broken.drl"), "package x;\nrule \"unterminated\n");
        CatalogSources.Read read = new CatalogSources().readTree(dir, "organisation");
        assertEquals(List.of("ORG-WEB-0001", "ORG-WEB-0002"), read.rules().stream().map(CatalogRule::id).toList());
        CatalogRule first = read.rules().getFirst();
        assertEquals("Blocks the thing. Second line of the comment.", first.description());
        assertEquals(List.of("CVE-2021-44228", "CVE-2021-45046"), first.cves());
        assertEquals(List.of("2021"), first.cveYears());
        assertEquals(10.0, first.cvss());
        assertEquals(CatalogRule.PREVENT, first.status());
        assertEquals(2, first.caseCount());
        assertEquals("web.drl:9", first.path());
        assertTrue(first.drl().startsWith("rule \"block it\"") && first.drl().endsWith("end"));
        assertTrue(!first.drl().contains("described"));
        CatalogRule second = read.rules().get(1);
        assertEquals("Said in an annotation.", second.description());
        assertEquals(CatalogRule.DETECT_ONLY, second.status());
        assertEquals(1, second.caseCount());
        List<String> problems = read.problems().stream().map(RuleProblem::toString).toList();
        assertTrue(problems.stream().anyMatch(p -> p.contains("broken.drl")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("'no id' has no @id")), problems.toString());
    }

    @Test
    void caseCountsIgnoreCasesThatExpectNothing() throws Exception {
        assertEquals(Map.of("A-B-1", 2, "C-D-1", 1), CatalogSources.caseCounts("""
                cases:
                  - {name: x, expect: {findings: [{rule: A-B-1}, {rule: A-B-1}]}}
                  - {name: y, expect: {findings: [{rule: A-B-1}], assignments: [{rule: C-D-1}]}}
                  - {name: z, expect: {findings: []}}
                """));
    }
}
