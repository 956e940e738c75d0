package dev.bulwark.authoring.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.authoring.bench.CatalogCorpus;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogCsvTest {

    static String csv(List<CatalogRule> rules) throws Exception {
        StringWriter w = new StringWriter();
        CatalogCsv.write(rules, w);
        return w.toString();
    }

    @Test
    void everyFieldRoundTripsIncludingAwkwardText() throws Exception {
        List<CatalogRule> rules = new ArrayList<>(CatalogCorpus.generate(500, 3));
        rules.addAll(new CatalogSources().readTree(RuleCatalogTest.KNOWLEDGE_BASE, "built-in").rules());
        rules.add(new CatalogRule("ORG-ODD-0001", "=HYPERLINK(\"http://x\") \"quoted\", comma", "-1+1 and a\nsecond line\r\nthird",
                null, null, List.of(), 9.8, "@app", List.of("+tag", "'quoted"), CatalogRule.PREVENT, "organisation", 7,
                "rule \"x\"\n  when eval(\"\\\\d+\".length() > 0) then end\t", 0, List.of("Web, prod", "=cmd|' /C calc'!A0"), null));
        String text = csv(rules);
        CatalogCsv.Read back = CatalogCsv.read(new StringReader(text));
        assertEquals(List.of(), back.problems());
        for (int i = 0; i < rules.size(); i++) {
            assertEquals(rules.get(i), back.rules().get(i), "row " + (i + 1));
        }
        assertEquals(rules.size(), back.rules().size());
        assertEquals(text, csv(back.rules()), "export, import, export gives the same bytes");
    }

    @Test
    void formulaCellsAreDefusedForSpreadsheets() throws Exception {
        CatalogRule r = new CatalogRule("ORG-F-0001", "=1+1", "+x", "ips", "high", List.of(), null, "-app", List.of("@t"),
                CatalogRule.DETECT_ONLY, "organisation", 1, "", 0, List.of(), "p");
        String row = csv(List.of(r)).lines().skip(1).findFirst().orElseThrow();
        assertTrue(row.startsWith("\"ORG-F-0001\",\"'=1+1\",\"'+x\""), row);
        assertTrue(row.contains("\"'-app\"") && row.contains("\"'@t\""), row);
        assertEquals(List.of(r), CatalogCsv.read(new StringReader(csv(List.of(r)))).rules());
    }

    @Test
    void badRowsAreRefusedByLineAndColumnAndTheRestIsKept() throws Exception {
        String good = csv(CatalogCorpus.generate(3, 1));
        String header = good.lines().findFirst().orElseThrow();
        String text = good
                + "\"bad id\",\"t\",\"\",\"ips\",\"high\",\"\",\"\",\"\",\"\",\"prevent\",\"x\",\"1\",\"0\",\"\",\"\",\"\"\n"
                + "\"ORG-S-0001\",\"t\",\"\",\"ips\",\"urgent\",\"\",\"\",\"\",\"\",\"prevent\",\"x\",\"1\",\"0\",\"\",\"\",\"\"\n"
                + "\"ORG-C-0001\",\"t\",\"\",\"ips\",\"high\",\"\",\"eleven\",\"\",\"\",\"prevent\",\"x\",\"1\",\"0\",\"\",\"\",\"\"\n"
                + "\"ORG-V-0001\",\"t\",\"\",\"ips\",\"high\",\"\",\"\",\"\",\"\",\"prevent\",\"x\",\"-3\",\"0\",\"\",\"\",\"\"\n"
                + "\"too\",\"few\"\n";
        CatalogCsv.Read r = CatalogCsv.read(new StringReader(text));
        assertEquals(3, r.rules().size());
        assertEquals(java.util.Arrays.asList("id", "severity", "cvss", "version", null), r.problems().stream().map(CatalogCsv.RowProblem::column).toList());
        long firstBad = r.problems().getFirst().line();
        assertEquals(List.of(firstBad, firstBad + 1, firstBad + 2, firstBad + 3, firstBad + 4),
                r.problems().stream().map(CatalogCsv.RowProblem::line).toList(), r.problems().toString());
        assertTrue(CatalogCsv.read(new StringReader("a,b\n")).problems().getFirst().message().startsWith("the header must be exactly"));
        assertTrue(CatalogCsv.read(new StringReader("")).problems().getFirst().message().startsWith("empty file"));
        assertTrue(CatalogCsv.read(new StringReader(header + "\n\"unterminated")).problems().size() == 1);
        CatalogRule one = CatalogCorpus.generate(1, 1).getFirst();
        CatalogCsv.Read twice = CatalogCsv.read(new StringReader(csv(List.of(one, one))));
        assertEquals(List.of(one), twice.rules());
        assertTrue(twice.problems().getFirst().message().contains("appears twice"));

        CatalogRule broken = new CatalogRule("ORG-N-0001", "t", "", "ips", "low", List.of(), null, null, List.of("a\nb"),
                CatalogRule.DETECT_ONLY, "x", 1, "", 0, List.of(), null);
        assertThrows(java.io.IOException.class, () -> csv(List.of(broken)), "a list element with a line break cannot round-trip");
    }
}
