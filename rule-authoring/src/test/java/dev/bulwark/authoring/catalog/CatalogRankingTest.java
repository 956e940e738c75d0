package dev.bulwark.authoring.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.authoring.bench.CatalogCorpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the ranking: for each reference query, the top ten rule ids in order, over the knowledge
 * base plus 2,000 generated rules. A Lucene upgrade, an analyser change or new field weights that
 * reorder any of them fail here, and the diff says which query moved. When a change is meant,
 * regenerate with {@code -Dbulwark.updateGolden=true} and review the golden file's diff.
 */
class CatalogRankingTest {

    private static final Path GOLDEN = Path.of("src/test/resources/catalog/ranking.golden");

    @Test
    void referenceQueriesKeepTheirOrder() throws Exception {
        Map<String, List<String>> expected = read();
        assertTrue(expected.size() >= 20, "reference queries: " + expected.size());
        List<CatalogRule> rules = new ArrayList<>(new CatalogSources().readTree(RuleCatalogTest.KNOWLEDGE_BASE, "built-in").rules());
        rules.addAll(CatalogCorpus.generate(2_000, 7));
        Map<String, List<String>> actual = new LinkedHashMap<>();
        try (RuleCatalog catalog = RuleCatalog.inMemory()) {
            catalog.rebuild(rules, "test");
            for (String q : expected.keySet()) {
                actual.put(q, RuleCatalogTest.ids(catalog.search(CatalogQuery.of(q).limit(10))));
            }
        }
        if (Boolean.getBoolean("bulwark.updateGolden")) {
            StringBuilder sb = new StringBuilder(header());
            actual.forEach((q, ids) -> sb.append(q).append('\t').append(String.join(" ", ids)).append('\n'));
            Files.writeString(GOLDEN, sb.toString(), StandardCharsets.UTF_8);
            return;
        }
        List<String> moved = new ArrayList<>();
        expected.forEach((q, ids) -> {
            if (!ids.equals(actual.get(q))) {
                moved.add(q + "\n    expected " + ids + "\n    actual   " + actual.get(q));
            }
        });
        assertEquals(List.of(), moved, "ranking changed; if meant, rerun with -Dbulwark.updateGolden=true and review the diff");
    }

    private static String header() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(GOLDEN, StandardCharsets.UTF_8)) {
            if (!line.startsWith("#")) {
                break;
            }
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    private static Map<String, List<String>> read() throws Exception {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(GOLDEN, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\t", 2);
            out.put(parts[0], parts.length < 2 || parts[1].isBlank() ? List.of() : List.of(parts[1].split(" ")));
        }
        return out;
    }
}
