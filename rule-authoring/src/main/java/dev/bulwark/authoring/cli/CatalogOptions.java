package dev.bulwark.authoring.cli;

import dev.bulwark.authoring.catalog.CatalogRule;
import dev.bulwark.authoring.catalog.CatalogSources;
import dev.bulwark.authoring.catalog.RuleCatalog;
import dev.bulwark.authoring.ossec.CompiledOssecRuleset;
import dev.bulwark.engine.policy.RuleProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where a command's catalog comes from: rule trees by source, and optionally a kept index. */
final class CatalogOptions {

    @Option(names = "--builtin", paramLabel = "DIR", description = "the built-in knowledge base's rules (default: $BULWARK_HOME/knowledge-base/src/main/resources/rules when nothing else is given)")
    Path builtin;
    @Option(names = "--rules", paramLabel = "DIR", description = "the organisation's own rules (repeatable)")
    List<Path> rules = new ArrayList<>();
    @Option(names = "--ossec-ruleset", paramLabel = "DIR", description = "an OSSEC/Wazuh tree, catalogued as imported rules (repeatable, in load order)")
    List<Path> ossecTrees = new ArrayList<>();
    @Option(names = "--index", paramLabel = "DIR", description = "keep the catalog in this directory")
    Path index;
    @Option(names = "--rebuild", description = "with --index: rebuild the index from scratch instead of updating it (versions stay in the history)")
    boolean rebuild;
    @Option(names = "--author", paramLabel = "NAME", description = "who new rule versions are saved under (default: the user name)")
    String author = System.getProperty("user.name");

    /** The built-in rules directory in use, or null. */
    Path builtinDir() {
        if (builtin == null && rules.isEmpty() && ossecTrees.isEmpty() && index == null) {
            return RulesCommand.builtinRules();
        }
        return builtin;
    }

    /** The rule directories by source name, for commands that copy files. */
    Map<String, List<Path>> directories() {
        Map<String, List<Path>> out = new LinkedHashMap<>();
        if (builtinDir() != null) {
            out.put("built-in", List.of(builtinDir()));
        }
        if (!rules.isEmpty()) {
            out.put("organisation", List.copyOf(rules));
        }
        return out;
    }

    /** Opens the catalog (kept or in memory) and brings it up to date with the sources given. */
    RuleCatalog open() throws IOException {
        RuleCatalog catalog = index == null ? RuleCatalog.inMemory() : RuleCatalog.open(index);
        try {
            load(catalog);
            return catalog;
        } catch (IOException | RuntimeException e) {
            catalog.close();
            throw e;
        }
    }

    private void load(RuleCatalog catalog) throws IOException {
        CatalogSources reader = new CatalogSources();
        List<RuleProblem> problems = new ArrayList<>();
        Map<String, List<CatalogRule>> bySource = new LinkedHashMap<>();
        for (Map.Entry<String, List<Path>> e : directories().entrySet()) {
            List<CatalogRule> found = new ArrayList<>();
            for (Path dir : e.getValue()) {
                CatalogSources.Read read = reader.readTree(dir, e.getKey());
                problems.addAll(read.problems());
                found.addAll(read.rules());
            }
            bySource.put(e.getKey(), found);
        }
        if (!ossecTrees.isEmpty()) {
            CatalogSources.Read read = reader.readSources(CompiledOssecRuleset.read(ossecTrees).sources(), "imported:ossec");
            problems.addAll(read.problems());
            bySource.put("imported:ossec", read.rules());
        }
        problems.forEach(p -> System.err.println("not catalogued: " + p));
        if (rebuild) {
            List<CatalogRule> everything = new ArrayList<>();
            bySource.values().forEach(everything::addAll);
            catalog.rebuild(everything, author);
            System.err.printf("catalog rebuilt: %d rules%n", catalog.size());
            return;
        }
        for (Map.Entry<String, List<CatalogRule>> e : bySource.entrySet()) {
            RuleCatalog.SyncReport s = catalog.sync(e.getKey(), e.getValue(), author);
            s.conflicts().forEach(c -> System.err.println("not catalogued: " + c));
            if (index != null) {
                System.err.printf("%s: %d added, %d changed, %d removed, %d unchanged%n", e.getKey(), s.added(), s.changed(), s.removed(), s.unchanged());
            }
        }
    }
}
