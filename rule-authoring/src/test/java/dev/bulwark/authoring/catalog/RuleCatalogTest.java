package dev.bulwark.authoring.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.authoring.catalog.CatalogQuery.Markup;
import dev.bulwark.authoring.catalog.CatalogResult.FacetCount;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog over the real knowledge base: lookups, fields, facets, highlighting, similar rules, updates. */
class RuleCatalogTest {

    static final Path KNOWLEDGE_BASE = Path.of("../knowledge-base/src/main/resources/rules");
    static List<CatalogRule> builtin;
    static RuleCatalog catalog;

    @BeforeAll
    static void index() throws IOException {
        CatalogSources.Read read = new CatalogSources().readTree(KNOWLEDGE_BASE, "built-in");
        assertEquals(List.of(), read.problems());
        builtin = read.rules();
        catalog = RuleCatalog.inMemory();
        RuleCatalog.SyncReport r = catalog.sync("built-in", builtin, "test");
        assertEquals(builtin.size(), r.added());
    }

    @AfterAll
    static void close() throws IOException {
        catalog.close();
    }

    static List<String> ids(CatalogResult r) {
        return r.hits().stream().map(h -> h.rule().id()).toList();
    }

    static CatalogResult search(String q) throws Exception {
        return catalog.search(CatalogQuery.of(q).limit(50));
    }

    @Test
    void everyRuleOfTheKnowledgeBaseIsCataloguedWithItsMetadata() throws Exception {
        assertTrue(builtin.size() >= 60, "rules: " + builtin.size());
        assertEquals(builtin.size(), catalog.size());
        CatalogRule brute = catalog.get("LI-SSH-0003").orElseThrow();
        assertEquals("loginspection", brute.module());
        assertEquals("high", brute.severity());
        assertEquals("openssh", brute.application());
        assertTrue(brute.tags().contains("brute-force"));
        assertEquals(CatalogRule.DETECT_ONLY, brute.status());
        assertEquals(1, brute.version());
        assertTrue(brute.description().startsWith("Raised when the minute ending at a failure"), brute.description());
        assertTrue(brute.drl().startsWith("rule \"sshd brute force\"") && brute.drl().endsWith("end"), brute.drl());
        assertTrue(brute.caseCount() >= 1);
        assertTrue(brute.path().startsWith("loginspection/sshd.drl:"));
        assertEquals(CatalogRule.PREVENT, catalog.get("AC-EXEC-0002").map(CatalogRule::status).orElseThrow());
    }

    @Test
    void anExactIdOrCveRanksFirstWhateverElseMatches() throws Exception {
        assertEquals("LI-SSH-0003", ids(search("LI-SSH-0003")).getFirst());
        assertEquals("LI-SSH-0003", ids(search("li-ssh-0003")).getFirst());
        assertEquals(List.of("RC-CVE-2024-6387"), ids(search("CVE-2024-6387")));
        // words matching many rules do not push the named rule down
        CatalogResult r = search("ssh OR login OR LI-SSH-0004");
        assertTrue(r.total() > 3);
        assertEquals("LI-SSH-0004", ids(r).getFirst());
        assertEquals(List.of(), ids(search("CVE-1999-0001")));
    }

    @Test
    void fieldedBooleanPhrasePrefixAndNumericQueries() throws Exception {
        assertEquals(List.of("RC-CVE-2024-6387"), ids(search("module:recommendation AND cve:CVE-2024-6387")));
        for (String id : ids(search("module:integrity AND severity:critical"))) {
            CatalogRule rule = catalog.get(id).orElseThrow();
            assertEquals("integrity", rule.module());
            assertEquals("critical", rule.severity());
        }
        assertFalse(ids(search("module:integrity AND severity:critical")).isEmpty());
        assertEquals(List.of("LI-SSH-0003"), ids(search("title:\"brute force\" AND application:openssh")));
        assertTrue(ids(search("opens*")).containsAll(ids(search("application:openssh"))));
        assertEquals(List.of("RC-CVE-2024-6387"), ids(search("cvss:[8 TO 10]")));
        assertEquals(List.of(), ids(search("cvss:{8.1 TO 10]")));
        assertEquals(List.of("RC-CVE-2024-6387"), ids(search("cvss:[8 TO *]")));
        long withoutCases = builtin.stream().filter(r -> r.caseCount() == 0).count();
        assertEquals(withoutCases, search("cases:0").total());
        assertEquals(builtin.size(), search("").total());
        assertEquals(builtin.size(), search("*:*").total());
        assertEquals(search("status:prevent").total(), builtin.stream().filter(r -> r.status().equals(CatalogRule.PREVENT)).count());
        assertTrue(search("-module:loginspection").total() < builtin.size());
    }

    @Test
    void titleWordsForgiveOneTypo() throws Exception {
        assertTrue(ids(search("sahdow")).contains("IM-FILE-0001"));
        assertTrue(ids(search("brtue force")).contains("LI-SSH-0003"));
        assertTrue(ids(search("\"sahdow\"")).isEmpty(), "a quoted word is taken literally");
    }

    @Test
    void facetsCountEveryMatchAndDrillDownFilters() throws Exception {
        CatalogResult all = catalog.search(CatalogQuery.of("").withFacets().limit(0));
        assertEquals(builtin.size(), all.total());
        assertEquals(RuleCatalog.FACETS, List.copyOf(all.facets().keySet()));
        long modules = all.facets().get(RuleCatalog.MODULE).stream().mapToLong(FacetCount::count).sum();
        assertEquals(builtin.size(), modules, "each rule has exactly one module");
        long loginspection = builtin.stream().filter(r -> "loginspection".equals(r.module())).count();
        assertTrue(all.facets().get(RuleCatalog.MODULE).contains(new FacetCount("loginspection", loginspection)));
        assertTrue(all.facets().get(RuleCatalog.CVE_YEAR).contains(new FacetCount("2024", 1)));

        CatalogResult ssh = catalog.search(CatalogQuery.of("ssh").withFacets().filter(Map.of(RuleCatalog.SEVERITY, List.of("high", "critical"))));
        assertTrue(ssh.total() > 0);
        ssh.hits().forEach(h -> assertTrue(List.of("high", "critical").contains(h.rule().severity()), h.rule().id()));
        long counted = ssh.facets().get(RuleCatalog.SEVERITY).stream().mapToLong(FacetCount::count).sum();
        assertEquals(ssh.total(), counted);

        CatalogQueryException e = assertThrows(CatalogQueryException.class,
                () -> catalog.search(CatalogQuery.of("ssh").filter(Map.of("colour", List.of("red")))));
        assertTrue(e.getMessage().contains("no facet 'colour'"), e.getMessage());
    }

    @Test
    void highlightsMarkMatchesAndEscapeHtml() throws Exception {
        CatalogResult r = catalog.search(CatalogQuery.of("brute force").highlighted(Markup.HTML));
        CatalogResult.Hit hit = r.hits().stream().filter(h -> h.rule().id().equals("LI-SSH-0003")).findFirst().orElseThrow();
        assertTrue(hit.highlights().get(RuleCatalog.TITLE).getFirst().contains("<mark>brute</mark> <mark>force</mark>"), hit.highlights().toString());
        assertTrue(hit.highlights().get(RuleCatalog.DRL).getFirst().contains("&quot;"), "DRL quotes are escaped for a page");

        try (RuleCatalog own = RuleCatalog.inMemory()) {
            own.sync("organisation", List.of(rule("ORG-XSS-0001", "<script>alert(1)</script> exploit attempt", "organisation")), "test");
            CatalogResult x = own.search(CatalogQuery.of("alert").highlighted(Markup.HTML));
            String title = x.hits().getFirst().highlights().get(RuleCatalog.TITLE).getFirst();
            assertFalse(title.contains("<script>"), title);
            assertTrue(title.contains("&lt;script&gt;"), title);
        }
    }

    @Test
    void similarRulesShareTopicAndExcludeTheRuleItself() throws Exception {
        List<String> similar = catalog.similar("LI-SSH-0003", 5).stream().map(h -> h.rule().id()).toList();
        assertFalse(similar.contains("LI-SSH-0003"));
        assertFalse(similar.isEmpty());
        assertTrue(similar.stream().filter(id -> id.startsWith("LI-SSH-")).count() >= 2, similar.toString());
        assertEquals(List.of(), catalog.similar("NO-SUCH-0001", 5));
    }

    @Test
    void pagingIsStableAndBounded() throws Exception {
        List<String> all = ids(catalog.search(CatalogQuery.of("").limit(200)));
        List<String> paged = new ArrayList<>();
        for (int off = 0; off < all.size(); off += 7) {
            paged.addAll(ids(catalog.search(CatalogQuery.of("").page(off, 7))));
        }
        assertEquals(all, paged);
        assertEquals(all.stream().sorted().toList(), all, "an empty query lists rules by id");
        assertThrows(CatalogQueryException.class, () -> catalog.search(CatalogQuery.of("").page(RuleCatalog.MAX_WINDOW, 1)));
    }

    static CatalogRule rule(String id, String title, String source) {
        return new CatalogRule(id, title, "", "loginspection", "low", List.of(), null, null, List.of(), CatalogRule.DETECT_ONLY,
                source, 1, "rule \"x\"\nwhen\nthen\nend", 0, List.of(), "x.drl:1");
    }

    @Test
    void syncAddsChangesRemovesAndVersionsOnlyWhatChanged(@TempDir Path dir) throws Exception {
        CatalogRule a = rule("ORG-A-0001", "first title", "organisation");
        CatalogRule b = rule("ORG-B-0001", "second title", "organisation");
        try (RuleCatalog c = RuleCatalog.open(dir)) {
            assertEquals(new RuleCatalog.SyncReport(2, 0, 0, 0, List.of()), c.sync("organisation", List.of(a, b), "alice"));
            assertEquals(new RuleCatalog.SyncReport(0, 0, 0, 2, List.of()), c.sync("organisation", List.of(a, b), "alice"));
            c.sync("built-in", List.of(rule("KB-X-0001", "built in", "built-in")), "kb");
        }
        try (RuleCatalog c = RuleCatalog.open(dir)) {
            assertEquals(3, c.size(), "the index survives a restart");
            CatalogRule a2 = rule("ORG-A-0001", "first title, revised", "organisation");
            assertEquals(new RuleCatalog.SyncReport(0, 1, 1, 0, List.of()), c.sync("organisation", List.of(a2), "bob"));
            assertEquals(2, c.get("ORG-A-0001").orElseThrow().version());
            assertEquals("first title, revised", c.get("ORG-A-0001").orElseThrow().title());
            assertTrue(c.get("ORG-B-0001").isEmpty());
            assertTrue(c.get("KB-X-0001").isPresent(), "syncing one source leaves the others alone");
            assertEquals(List.of("ORG-A-0001"), ids(c.search(CatalogQuery.of("revised"))));
            assertTrue(ids(c.search(CatalogQuery.of("second"))).isEmpty());

            // an assignment change is indexed without a new version
            c.sync("organisation", List.of(a2.withAssignedTo(List.of("web-servers"))), "bob");
            assertEquals(2, c.get("ORG-A-0001").orElseThrow().version());
            assertEquals(List.of("ORG-A-0001"), ids(c.search(CatalogQuery.of("assigned:web-servers"))));

            RuleCatalog.SyncReport clash = c.sync("imported:ossec", List.of(rule("KB-X-0001", "imported twin", "imported:ossec")), "importer");
            assertEquals(0, clash.added());
            assertTrue(clash.conflicts().getFirst().contains("already catalogued from built-in"), clash.conflicts().toString());
            assertEquals("built in", c.get("KB-X-0001").orElseThrow().title());

            IOException busy = assertThrows(IOException.class, () -> RuleCatalog.open(dir));
            assertTrue(busy.getMessage().contains("open in another process"), busy.getMessage());

            c.upsert(rule("ORG-C-0001", "added alone", "organisation"), "carol");
            assertTrue(c.delete("ORG-C-0001"));
            assertFalse(c.delete("ORG-C-0001"));
            c.rebuild(List.of(a2), "dave");
            assertEquals(1, c.size());
            assertEquals(2, c.get("ORG-A-0001").orElseThrow().version(), "a rebuild keeps the versions of the history");

            List<RuleHistory.Version> history = c.history("ORG-A-0001");
            assertEquals(List.of(1, 2), history.stream().map(RuleHistory.Version::version).toList());
            assertEquals(List.of("alice", "bob"), history.stream().map(RuleHistory.Version::author).toList());
            assertEquals("first title", history.getFirst().rule().title());
            assertEquals(1, c.history("ORG-B-0001").size(), "a rule removed from the index keeps its history");
        }
    }
}
