package dev.bulwark.authoring.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.authoring.catalog.CatalogQuery.Markup;
import dev.bulwark.authoring.catalog.CatalogResult.FacetCount;
import dev.bulwark.authoring.catalog.CatalogResult.Hit;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.facet.DrillDownQuery;
import org.apache.lucene.facet.FacetResult;
import org.apache.lucene.facet.FacetsCollectorManager;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.LabelAndValue;
import org.apache.lucene.facet.sortedset.DefaultSortedSetDocValuesReaderState;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetCounts;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetField;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesReaderState;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.queries.mlt.MoreLikeThis;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.uhighlight.CustomSeparatorBreakIterator;
import org.apache.lucene.search.uhighlight.DefaultPassageFormatter;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;

/**
 * The Lucene index of rules, with the {@link RuleHistory} of every version. One writer per index directory (a second process gets a clear
 * error), near-real-time searchers, every change committed before the call returns.
 *
 * <p>Ranking: relevance (BM25 over title, tags, application, description and DRL, titles weighted
 * most), an exact id or CVE named anywhere in the query always first, ties by rule id so the
 * order never depends on index layout. The order for a set of reference queries is pinned by a
 * golden test: a Lucene upgrade or a change of weights that reorders them fails the build.
 */
public final class RuleCatalog implements Closeable {

    public static final String ID = "id";
    public static final String TITLE = "title";
    public static final String DESCRIPTION = "description";
    public static final String MODULE = "module";
    public static final String SEVERITY = "severity";
    public static final String CVE = "cve";
    public static final String CVSS = "cvss";
    public static final String APPLICATION = "application";
    public static final String TAG = "tag";
    public static final String STATUS = "status";
    public static final String SOURCE = "source";
    public static final String VERSION = "version";
    public static final String DRL = "drl";
    public static final String CASES = "cases";
    public static final String ASSIGNED = "assigned";
    public static final String CVE_YEAR = "cveyear";

    /** Facet dimensions, in the order they are shown. */
    public static final List<String> FACETS = List.of(MODULE, SEVERITY, APPLICATION, CVE_YEAR, TAG, SOURCE, STATUS);
    /** At most this many hits can be paged through (offset + limit). */
    public static final int MAX_WINDOW = 10_000;

    static final String TITLE_WORDS = "title_words";
    private static final String TAGS_TEXT = "tags_text";
    private static final String APPLICATION_TEXT = "application_text";
    private static final String ID_SORT = "id_sort";
    private static final Sort BY_SCORE_THEN_ID = new Sort(SortField.FIELD_SCORE, new SortField(ID_SORT, SortField.Type.STRING));
    private static final String JSON = "json";
    private static final String[] HIGHLIGHTED = {TITLE, DESCRIPTION, DRL};
    private static final String[] DEFAULT_FIELDS = {ID, CVE, TITLE, TAGS_TEXT, APPLICATION_TEXT, DESCRIPTION, DRL};
    private static final Map<String, Float> BOOSTS = Map.of(ID, 8f, CVE, 8f, TITLE, 4f, TAGS_TEXT, 2f, APPLICATION_TEXT, 2f,
            DESCRIPTION, 1f, DRL, 0.3f);
    private static final Pattern EXACT_KEY = Pattern.compile("(?i)(?<![\\w-])(CVE-\\d{4}-\\d{4,7}|[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)(?![\\w-])");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Stored, with offsets in the postings: the highlighter reads match positions instead of re-analysing the text. */
    private static final FieldType HIGHLIGHTED_TEXT = new FieldType(TextField.TYPE_STORED);

    static {
        HIGHLIGHTED_TEXT.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
        HIGHLIGHTED_TEXT.freeze();
    }
    /**
     * Lucene warns on every start that the incubating Vector API is not enabled. It only speeds up
     * vector (kNN) search, which the catalog does not use; held strongly so the level sticks.
     */
    private static final java.util.logging.Logger VECTOR_NOTICE = java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");

    static {
        VECTOR_NOTICE.setLevel(java.util.logging.Level.SEVERE);
    }

    private final Directory directory;
    private final RuleHistory history;
    private final Analyzer analyzer;
    private final FacetsConfig facetsConfig = new FacetsConfig();
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private volatile FacetState facetState;

    private record FacetState(IndexReader reader, SortedSetDocValuesReaderState state) {
    }

    /** What a {@link #sync} changed. */
    public record SyncReport(int added, int changed, int removed, int unchanged, List<String> conflicts) {
    }

    private RuleCatalog(Directory directory, RuleHistory history) throws IOException {
        this.directory = directory;
        this.history = history;
        this.analyzer = analyzer();
        facetsConfig.setMultiValued(TAG, true);
        facetsConfig.setMultiValued(CVE_YEAR, true);
        IndexWriterConfig config = new IndexWriterConfig(analyzer).setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        try {
            this.writer = new IndexWriter(directory, config);
        } catch (LockObtainFailedException e) {
            directory.close();
            throw new IOException("the catalog index " + directory + " is open in another process (" + e.getMessage()
                    + "); stop it or use another --index directory", e);
        }
        this.searchers = new SearcherManager(writer, null);
    }

    /** A catalog held in memory: tests, and one-off searches over a rules tree. */
    public static RuleCatalog inMemory() throws IOException {
        return new RuleCatalog(new ByteBuffersDirectory(), RuleHistory.inMemory());
    }

    /** The catalog stored in {@code dir} (created when missing): the index in {@code lucene/}, every version in {@code history/}. */
    public static RuleCatalog open(Path dir) throws IOException {
        java.nio.file.Files.createDirectories(dir.resolve("lucene"));
        return new RuleCatalog(FSDirectory.open(dir.resolve("lucene")), RuleHistory.in(dir.resolve("history")));
    }

    private static Analyzer analyzer() {
        Analyzer keyword = new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String fieldName) {
                KeywordTokenizer source = new KeywordTokenizer();
                return new TokenStreamComponents(source, new LowerCaseFilter(source));
            }
        };
        // No stop words: with AND as the default operator a stop word would leave only the keyword
        // fields to match it, and "the" would find nothing.
        Analyzer english = new EnglishAnalyzer(CharArraySet.EMPTY_SET);
        Map<String, Analyzer> perField = new HashMap<>();
        for (String f : List.of(ID, CVE, MODULE, SEVERITY, APPLICATION, TAG, STATUS, SOURCE, ASSIGNED)) {
            perField.put(f, keyword);
        }
        perField.put(TITLE_WORDS, new StandardAnalyzer());
        perField.put(DRL, new StandardAnalyzer());
        return new PerFieldAnalyzerWrapper(english, perField);
    }

    // ---------------------------------------------------------------- writing

    /**
     * Adds or replaces one rule. Its version comes from the history: the saved one when the content
     * is unchanged, else a new version saved under {@code author}.
     */
    public synchronized void upsert(CatalogRule rule, String author) throws IOException {
        RuleHistory.Batch versions = history.batch();
        CatalogRule versioned = rule.withVersion(versions.versionFor(rule, author));
        versions.commit();
        writer.updateDocument(new Term(ID, key(rule.id())), document(versioned));
        commit();
    }

    /** Every saved version of a rule, oldest first, with author and time. */
    public List<RuleHistory.Version> history(String id) {
        return history.versions(id);
    }

    /** Removes a rule; false when the catalog did not have it. */
    public synchronized boolean delete(String id) throws IOException {
        if (stored(id).isEmpty()) {
            return false;
        }
        writer.deleteDocuments(new Term(ID, key(id)));
        commit();
        return true;
    }

    /**
     * Makes the catalog's rules of {@code source} exactly {@code rules}: new and changed ones are
     * saved as new versions by {@code author} and indexed, missing ones removed from the index (their
     * history stays), unchanged ones left alone. A rule whose id another source already holds is not
     * taken and is reported.
     */
    public synchronized SyncReport sync(String source, Collection<CatalogRule> rules, String author) throws IOException {
        Map<String, CatalogRule> existing = new HashMap<>();
        for (CatalogRule r : storedAll()) {
            existing.put(key(r.id()), r);
        }
        int added = 0;
        int changed = 0;
        int unchanged = 0;
        List<String> conflicts = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        RuleHistory.Batch versions = history.batch();
        List<CatalogRule> updates = new ArrayList<>();
        for (CatalogRule rule : rules) {
            if (!source.equals(rule.source())) {
                throw new IllegalArgumentException("rule " + rule.id() + " is from source '" + rule.source() + "', not '" + source + "'");
            }
            String k = key(rule.id());
            if (!seen.add(k)) {
                conflicts.add(rule.id() + " appears twice in " + source + "; the first is kept");
                continue;
            }
            CatalogRule before = existing.get(k);
            if (before != null && !source.equals(before.source())) {
                conflicts.add(rule.id() + " is already catalogued from " + before.source() + " (" + before.path() + "); not taken from " + source);
                continue;
            }
            if (before == null) {
                updates.add(rule.withVersion(versions.versionFor(rule, author)));
                added++;
            } else if (!before.contentFingerprint().equals(rule.contentFingerprint())) {
                updates.add(rule.withVersion(versions.versionFor(rule, author)));
                changed++;
            } else if (!before.assignedTo().equals(rule.assignedTo())) {
                updates.add(rule.withVersion(before.version()));
                changed++;
            } else {
                unchanged++;
            }
        }
        // the history first: after a crash between the two, the next sync finds the versions saved and indexes them
        versions.commit();
        for (CatalogRule r : updates) {
            writer.updateDocument(new Term(ID, key(r.id())), document(r));
        }
        int removed = 0;
        for (Map.Entry<String, CatalogRule> e : existing.entrySet()) {
            if (source.equals(e.getValue().source()) && !seen.contains(e.getKey())) {
                writer.deleteDocuments(new Term(ID, e.getKey()));
                removed++;
            }
        }
        commit();
        return new SyncReport(added, changed, removed, unchanged, conflicts);
    }

    /** Throws the index away and indexes {@code rules} from scratch; versions still come from the history. */
    public synchronized void rebuild(Collection<CatalogRule> rules, String author) throws IOException {
        RuleHistory.Batch versions = history.batch();
        List<CatalogRule> versioned = new ArrayList<>(rules.size());
        for (CatalogRule r : rules) {
            versioned.add(r.withVersion(versions.versionFor(r, author)));
        }
        versions.commit();
        replaceAll(versioned);
    }

    /**
     * Replaces the whole index with {@code rules} exactly as given, versions included: restoring an
     * export. A version the history does not have yet is saved there by {@code author}.
     */
    public synchronized void restore(Collection<CatalogRule> rules, String author) throws IOException {
        RuleHistory.Batch versions = history.batch();
        rules.forEach(r -> versions.keep(r, author));
        versions.commit();
        replaceAll(rules);
    }

    private void replaceAll(Collection<CatalogRule> rules) throws IOException {
        writer.deleteAll();
        for (CatalogRule r : rules) {
            writer.updateDocument(new Term(ID, key(r.id())), document(r));
        }
        commit();
    }

    private void commit() throws IOException {
        writer.commit();
        searchers.maybeRefreshBlocking();
    }

    private Document document(CatalogRule r) throws IOException {
        Document d = new Document();
        d.add(new TextField(ID, r.id(), Field.Store.NO));
        d.add(new SortedDocValuesField(ID_SORT, new BytesRef(r.id())));
        d.add(new StoredField(JSON, MAPPER.writeValueAsBytes(r)));
        d.add(new Field(TITLE, r.title(), HIGHLIGHTED_TEXT));
        d.add(new TextField(TITLE_WORDS, r.title(), Field.Store.NO));
        d.add(new Field(DESCRIPTION, r.description(), HIGHLIGHTED_TEXT));
        d.add(new Field(DRL, r.drl(), HIGHLIGHTED_TEXT));
        d.add(new TextField(TAGS_TEXT, String.join(" ", r.tags()), Field.Store.YES));
        d.add(new IntPoint(VERSION, r.version()));
        d.add(new IntPoint(CASES, r.caseCount()));
        if (r.cvss() != null) {
            d.add(new DoublePoint(CVSS, r.cvss()));
        }
        keyword(d, MODULE, r.module());
        keyword(d, SEVERITY, r.severity());
        keyword(d, STATUS, r.status());
        keyword(d, SOURCE, r.source());
        if (r.application() != null && !r.application().isBlank()) {
            keyword(d, APPLICATION, r.application());
            d.add(new TextField(APPLICATION_TEXT, r.application(), Field.Store.YES));
        }
        for (String t : r.tags()) {
            keyword(d, TAG, t);
        }
        for (String c : r.cves()) {
            d.add(new TextField(CVE, c, Field.Store.NO));
        }
        for (String y : r.cveYears()) {
            d.add(new SortedSetDocValuesFacetField(CVE_YEAR, y));
        }
        for (String a : r.assignedTo()) {
            d.add(new TextField(ASSIGNED, a, Field.Store.NO));
        }
        return facetsConfig.build(d);
    }

    /** Indexed for exact (case-insensitive) matching, and counted as a facet. */
    private static void keyword(Document d, String field, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        d.add(new TextField(field, value, Field.Store.NO));
        d.add(new SortedSetDocValuesFacetField(field, value.toLowerCase(Locale.ROOT)));
    }

    private static String key(String id) {
        return id.toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- reading

    private Optional<CatalogRule> stored(String id) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            TopDocs top = s.search(new TermQuery(new Term(ID, key(id))), 1);
            return top.scoreDocs.length == 0 ? Optional.empty() : Optional.of(read(s.storedFields(), top.scoreDocs[0].doc));
        } finally {
            searchers.release(s);
        }
    }

    private List<CatalogRule> storedAll() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            int n = Math.max(1, s.getIndexReader().numDocs());
            TopDocs top = s.search(new MatchAllDocsQuery(), n);
            StoredFields fields = s.storedFields();
            List<CatalogRule> out = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc d : top.scoreDocs) {
                out.add(read(fields, d.doc));
            }
            return out;
        } finally {
            searchers.release(s);
        }
    }

    private static CatalogRule read(StoredFields fields, int doc) throws IOException {
        Document d = fields.document(doc, Set.of(JSON));
        return MAPPER.readValue(d.getBinaryValue(JSON).bytes, CatalogRule.class);
    }

    public Optional<CatalogRule> get(String id) throws IOException {
        return stored(id);
    }

    /** Every rule, by id. */
    public List<CatalogRule> all() throws IOException {
        return storedAll().stream().sorted(java.util.Comparator.comparing(CatalogRule::id)).toList();
    }

    public int size() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return s.getIndexReader().numDocs();
        } finally {
            searchers.release(s);
        }
    }

    /** Runs a search; a query the catalog refuses comes back as a {@link CatalogQueryException}, never as a partial result. */
    public CatalogResult search(CatalogQuery q) throws CatalogQueryException, IOException {
        if (q.limit() < 0 || q.offset() < 0 || q.offset() + q.limit() > MAX_WINDOW) {
            throw new CatalogQueryException(0, "offset and limit must be non-negative and reach at most " + MAX_WINDOW
                    + " hits; narrow the query instead of paging further");
        }
        Query parsed = new CatalogQueryParser(DEFAULT_FIELDS, analyzer, BOOSTS).parseBounded(q.text());
        Query ranked = exactFirst(parsed, q.text());
        Query query = ranked;
        if (!q.filters().isEmpty()) {
            DrillDownQuery dd = new DrillDownQuery(facetsConfig, ranked);
            for (Map.Entry<String, List<String>> f : new TreeMap<>(q.filters()).entrySet()) {
                if (!FACETS.contains(f.getKey())) {
                    throw new CatalogQueryException(0, "no facet '" + f.getKey() + "'; facets are " + String.join(", ", FACETS));
                }
                for (String v : f.getValue()) {
                    dd.add(f.getKey(), v.toLowerCase(Locale.ROOT));
                }
            }
            query = dd;
        }
        IndexSearcher s = searchers.acquire();
        try {
            int n = Math.max(1, q.offset() + q.limit());
            Sort sort = parsed instanceof MatchAllDocsQuery
                    ? new Sort(new SortField(ID_SORT, SortField.Type.STRING))
                    : BY_SCORE_THEN_ID;
            FacetsCollectorManager.FacetsResult r = FacetsCollectorManager.search(s, query, n, sort, true, new FacetsCollectorManager());
            long total = r.facetsCollector().getMatchingDocs().stream().mapToLong(m -> m.totalHits()).sum();
            ScoreDoc[] all = r.topDocs().scoreDocs;
            ScoreDoc[] page = java.util.Arrays.copyOfRange(all, Math.min(q.offset(), all.length), Math.min(all.length, q.offset() + q.limit()));
            Map<String, String[]> highlights = Map.of();
            if (q.highlight() != null && page.length > 0 && !(parsed instanceof MatchAllDocsQuery)) {
                highlights = highlighter(s, q.highlight()).highlightFields(HIGHLIGHTED, parsed,
                        new TopDocs(r.topDocs().totalHits, page), new int[] {1, 2, 3});
            }
            StoredFields fields = s.storedFields();
            List<Hit> hits = new ArrayList<>(page.length);
            for (int i = 0; i < page.length; i++) {
                Map<String, List<String>> h = new LinkedHashMap<>();
                for (String f : HIGHLIGHTED) {
                    String[] frags = highlights.get(f);
                    if (frags != null && frags[i] != null && hasMark(frags[i], q.highlight())) {
                        h.put(f, List.of(frags[i]));
                    }
                }
                hits.add(new Hit(read(fields, page[i].doc), page[i].score, h));
            }
            Map<String, List<FacetCount>> facets = q.facets() && total > 0 ? facets(s, r) : Map.of();
            return new CatalogResult(total, hits, facets);
        } catch (IndexSearcher.TooManyClauses e) {
            throw CatalogQueryException.tooBroad(e);
        } finally {
            searchers.release(s);
        }
    }

    /** An id or CVE written anywhere in the query puts the rule it names above everything else. */
    private static Query exactFirst(Query parsed, String text) {
        Matcher m = EXACT_KEY.matcher(text);
        BooleanQuery.Builder exact = new BooleanQuery.Builder();
        int keys = 0;
        while (m.find() && keys < 32) {
            String k = m.group(1).toLowerCase(Locale.ROOT);
            exact.add(new TermQuery(new Term(ID, k)), Occur.SHOULD);
            exact.add(new TermQuery(new Term(CVE, k)), Occur.SHOULD);
            keys++;
        }
        if (keys == 0 || parsed instanceof MatchAllDocsQuery) {
            return parsed;
        }
        return new BooleanQuery.Builder()
                .add(parsed, Occur.MUST)
                .add(new BoostQuery(new ConstantScoreQuery(exact.build()), 1_000f), Occur.SHOULD)
                .build();
    }

    private UnifiedHighlighter highlighter(IndexSearcher s, Markup markup) {
        DefaultPassageFormatter formatter = markup == Markup.HTML
                ? new DefaultPassageFormatter("<mark>", "</mark>", " … ", true)
                : new DefaultPassageFormatter("[[", "]]", " … ", false);
        // Passages end at line breaks: a DRL match shows its line, not the whole rule.
        return UnifiedHighlighter.builder(s, analyzer).withFormatter(formatter).withHandleMultiTermQuery(true)
                .withBreakIterator(() -> new CustomSeparatorBreakIterator('\n'))
                .withWeightMatches(false).withMaxNoHighlightPassages(0).build();
    }

    private static boolean hasMark(String fragment, Markup markup) {
        return fragment.contains(markup == Markup.HTML ? "<mark>" : "[[");
    }

    private Map<String, List<FacetCount>> facets(IndexSearcher s, FacetsCollectorManager.FacetsResult r) throws IOException {
        SortedSetDocValuesFacetCounts counts = new SortedSetDocValuesFacetCounts(facetState(s.getIndexReader()), r.facetsCollector());
        Map<String, List<FacetCount>> out = new LinkedHashMap<>();
        for (String dim : FACETS) {
            FacetResult fr;
            try {
                fr = counts.getTopChildren(20, dim);
            } catch (IllegalArgumentException noSuchDimension) {
                fr = null; // no rule has a value for this dimension yet
            }
            List<FacetCount> values = new ArrayList<>();
            if (fr != null) {
                for (LabelAndValue lv : fr.labelValues) {
                    values.add(new FacetCount(lv.label, lv.value.longValue()));
                }
            }
            out.put(dim, values);
        }
        return out;
    }

    private SortedSetDocValuesReaderState facetState(IndexReader reader) throws IOException {
        FacetState st = facetState;
        if (st == null || st.reader != reader) {
            synchronized (this) {
                st = facetState;
                if (st == null || st.reader != reader) {
                    st = new FacetState(reader, new DefaultSortedSetDocValuesReaderState(reader, facetsConfig));
                    facetState = st;
                }
            }
        }
        return st.state;
    }

    /** Rules most like {@code id} by their title, description, tags and application; empty when the id is unknown. */
    public List<Hit> similar(String id, int limit) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            TopDocs self = s.search(new TermQuery(new Term(ID, key(id))), 1);
            if (self.scoreDocs.length == 0) {
                return List.of();
            }
            MoreLikeThis mlt = new MoreLikeThis(s.getIndexReader());
            mlt.setFieldNames(new String[] {TITLE, DESCRIPTION, TAGS_TEXT, APPLICATION_TEXT});
            mlt.setAnalyzer(analyzer);
            mlt.setMinTermFreq(1);
            mlt.setMinDocFreq(1);
            mlt.setMinWordLen(3);
            mlt.setMaxQueryTerms(25);
            Query like = new BooleanQuery.Builder()
                    .add(mlt.like(self.scoreDocs[0].doc), Occur.SHOULD)
                    .add(new TermQuery(new Term(ID, key(id))), Occur.MUST_NOT)
                    .build();
            TopDocs top = s.search(like, limit, BY_SCORE_THEN_ID, true);
            StoredFields fields = s.storedFields();
            List<Hit> out = new ArrayList<>();
            for (ScoreDoc d : top.scoreDocs) {
                out.add(new Hit(read(fields, d.doc), d.score, Map.of()));
            }
            return out;
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            searchers.close();
            writer.close();
        } finally {
            directory.close();
        }
    }
}
