package dev.bulwark.knowledgebase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.authoring.cases.RuleCases;
import dev.bulwark.engine.RuleMetadata;
import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import dev.bulwark.engine.build.BundleBuilder;
import dev.bulwark.engine.build.CompiledKnowledgeBase;
import dev.bulwark.engine.policy.DrlSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Invariants across all content, each reporting every offender at once: cases beside every rule
 * file, a firing and a non-firing case for every rule, DRL package equal to its path, the
 * {@code @module} equal to the folder, no lint warnings.
 */
class KnowledgeBaseConsistencyTest {

    private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;?");

    @Test
    void everyRuleFileHasCasesBesideIt() {
        List<String> missing = new ArrayList<>();
        for (Path drl : KnowledgeBaseFixture.files(".drl")) {
            Path cases = drl.resolveSibling(drl.getFileName().toString().replace(".drl", ".cases.yaml"));
            if (!Files.exists(cases)) {
                missing.add(KnowledgeBaseFixture.RULES.relativize(drl) + " has no " + cases.getFileName());
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void everyRuleHasAFiringAndANonFiringCase() throws Exception {
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> firing = new HashMap<>();
        Map<String, Set<String>> quiet = new HashMap<>();
        for (Path file : KnowledgeBaseFixture.files(".cases.yaml")) {
            String drl = file.getFileName().toString().replace(".cases.yaml", ".drl");
            RuleCases cases = RuleCases.read(file);
            for (RuleCases.Case c : cases.cases()) {
                List<String> fired = c.firingRules();
                firing.computeIfAbsent(drl + "@" + file.getParent(), k -> new HashSet<>()).addAll(fired);
                for (String id : rulesOf(file.resolveSibling(drl))) {
                    if (!fired.contains(id)) {
                        quiet.computeIfAbsent(id, k -> new HashSet<>()).add(c.name());
                    }
                }
            }
        }
        for (Path drl : KnowledgeBaseFixture.files(".drl")) {
            Set<String> fired = firing.getOrDefault(drl.getFileName() + "@" + drl.getParent(), Set.of());
            for (String id : rulesOf(drl)) {
                if (!fired.contains(id)) {
                    problems.add(id + " (" + drl.getFileName() + ") has no case in which it fires");
                }
                if (!quiet.containsKey(id)) {
                    problems.add(id + " (" + drl.getFileName() + ") has no case in which it must stay quiet");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void drlPackageMirrorsItsPathAndModuleItsFolder() throws Exception {
        List<String> problems = new ArrayList<>();
        CompiledKnowledgeBase compiled = compile();
        for (Path drl : KnowledgeBaseFixture.files(".drl")) {
            Path rel = KnowledgeBaseFixture.RULES.relativize(drl);
            String folder = rel.getParent().toString().replace('/', '.');
            Matcher m = PACKAGE.matcher(Files.readString(drl));
            String pkg = m.find() ? m.group(1) : "(none)";
            if (!pkg.equals("rules." + folder)) {
                problems.add(rel + " declares package " + pkg + "; expected rules." + folder);
            }
        }
        for (RuleMetadata md : compiled.rules()) {
            String folder = md.rulePackage().substring("rules.".length());
            if (!folder.equals(md.module())) {
                problems.add(md.id() + " is in " + md.rulePackage() + " but declares @module(\"" + md.module() + "\")");
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(compiled.rules().size() >= 20, "the default knowledge base ships its rules");
    }

    @Test
    void contentHasNoLintWarnings() throws Exception {
        assertEquals(List.of(), compile().warnings());
    }

    private static CompiledKnowledgeBase compile() throws Exception {
        List<DrlSource> sources = BundleBuilder.readSources(KnowledgeBaseFixture.RULES);
        return new KnowledgeBaseCompiler().compile(sources);
    }

    private static final Pattern RULE_ID = Pattern.compile("@id\\(\"([^\"]+)\"\\)");

    private static List<String> rulesOf(Path drl) throws Exception {
        List<String> ids = new ArrayList<>();
        Matcher m = RULE_ID.matcher(Files.readString(drl));
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }
}
