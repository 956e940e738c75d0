package dev.bulwark.authoring.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Queries typed by someone careless or hostile: a clear, typed refusal or an answer; never anything else. */
class CatalogQueryHostileTest {

    static RuleCatalog catalog;

    @BeforeAll
    static void index() throws Exception {
        catalog = RuleCatalog.inMemory();
        catalog.sync("built-in", new CatalogSources().readTree(RuleCatalogTest.KNOWLEDGE_BASE, "built-in").rules(), "test");
    }

    @AfterAll
    static void close() throws Exception {
        catalog.close();
    }

    static CatalogQueryException refused(String q) {
        return assertThrows(CatalogQueryException.class, () -> catalog.search(CatalogQuery.of(q)), q);
    }

    @Test
    void unbalancedSyntaxNamesTheColumn() {
        CatalogQueryException e = refused("ssh AND (brute");
        assertEquals(14, e.column(), "the end of the query, where the ')' is missing");
        assertTrue(e.getMessage().contains("column 14") && e.getMessage().contains("backslash"), e.getMessage());
        assertTrue(refused("\"brute force").getMessage().startsWith("cannot parse the query"));
        refused("title:");
        refused("AND OR");
        refused("cvss:[1 TO");
    }

    @Test
    void hugeAndTooBroadQueriesAreBounded() {
        CatalogQueryException longOne = refused("ssh ".repeat(300));
        assertTrue(longOne.getMessage().contains("at most 1000"), longOne.getMessage());
        CatalogQueryException wide = refused("ab cd ef gh ij kl mn op qr st uv wx yz ".repeat(25).strip());
        assertTrue(wide.getMessage().contains("term queries"), wide.getMessage());
    }

    @Test
    void wildcardOnlyAndRegexQueriesAreRefusedWithAWayOut() {
        for (String q : List.of("*", "?", "*ssh", "?sh", "s*", "title:*", "drl:?*")) {
            CatalogQueryException e = refused(q);
            assertTrue(e.getMessage().contains("2 characters") || e.getMessage().contains("not allowed as first character"), q + ": " + e.getMessage());
        }
        assertTrue(refused("/.*(a+)+$/").getMessage().contains("regular expressions"));
        assertTrue(refused("ab~").getMessage().contains("fuzzy"));
        assertTrue(refused("cvss:high").getMessage().contains("takes a number"));
        assertTrue(refused("cases:[a TO b]").getMessage().contains("whole number"));
    }

    @Test
    void injectionTextIsJustText() throws Exception {
        for (String q : List.of("'; DROP TABLE rules; --", "<script>alert(1)</script>", "rule \\\"x\\\" when eval(true) then System.exit(1); end",
                "\u0000\u0001\u001b[31m", "é中文🙂", "\\\\\\\\", "id:\"LI-SSH-0001\\\" OR *:*\"")) {
            try {
                CatalogResult r = catalog.search(CatalogQuery.of(q).highlighted(CatalogQuery.Markup.HTML));
                r.hits().forEach(h -> h.highlights().values().forEach(frags -> frags.forEach(f ->
                        assertTrue(!f.contains("<script>"), f))));
            } catch (CatalogQueryException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            }
        }
    }

    @Test
    void randomNoiseEitherAnswersOrIsRefused() throws Exception {
        String alphabet = "abcXYZ019 -+&|!(){}[]^\"~*?:\\/'<>%$#@_.,;=\t\n";
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + r.nextInt(40);
            for (int j = 0; j < len; j++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            try {
                catalog.search(CatalogQuery.of(sb.toString()).withFacets().highlighted(CatalogQuery.Markup.PLAIN));
            } catch (CatalogQueryException expected) {
                assertTrue(expected.column() >= 0);
            }
        }
    }
}
