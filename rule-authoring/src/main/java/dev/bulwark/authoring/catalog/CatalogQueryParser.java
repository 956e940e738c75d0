package dev.bulwark.authoring.catalog;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;

/**
 * Lucene's classic syntax, bounded for hostile input and taught the catalog's fields: numbers
 * ({@code cvss:[7 TO 10]}, {@code cases:0}), typo tolerance on titles (an unquoted word also
 * matches title words one edit away: a swapped, missing, extra or wrong letter), no leading wildcards, no one-letter prefixes, no
 * regular expressions. One instance per query (the classic parser is not thread-safe).
 */
final class CatalogQueryParser extends MultiFieldQueryParser {

    static final int MAX_QUERY_CHARS = 1_000;
    static final int MAX_LEAF_QUERIES = 1_000;
    private static final String REFUSED = "refused: ";
    private static final Pattern COLUMN = Pattern.compile("column (\\d+)");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]{4,}");
    private static final Pattern CVE_ID = Pattern.compile("(?i)CVE-\\d{4}-\\d{4,7}");

    CatalogQueryParser(String[] fields, Analyzer analyzer, Map<String, Float> boosts) {
        super(fields, analyzer, boosts);
        setDefaultOperator(QueryParser.AND_OPERATOR);
        setAllowLeadingWildcard(false);
        setSplitOnWhitespace(true);
        // "CVE-2021-44228" or "brute-force" analysed into several words is a phrase, not any one of them
        setAutoGeneratePhraseQueries(true);
    }

    /** Parses {@code text}, or explains in a {@link CatalogQueryException} why not. Blank text is every rule. */
    Query parseBounded(String text) throws CatalogQueryException {
        if (text.length() > MAX_QUERY_CHARS) {
            throw new CatalogQueryException(MAX_QUERY_CHARS + 1, "query is " + text.length() + " characters long; at most "
                    + MAX_QUERY_CHARS + " are accepted: search for the rule's id, CVE or a few words instead");
        }
        if (text.isBlank()) {
            return new MatchAllDocsQuery();
        }
        Query q;
        try {
            q = parse(text);
        } catch (ParseException e) {
            throw syntaxError(e);
        } catch (IndexSearcher.TooManyClauses e) {
            throw CatalogQueryException.tooBroad(e);
        }
        int[] leaves = {0};
        q.visit(new QueryVisitor() {
            @Override
            public void visitLeaf(Query query) {
                leaves[0]++;
            }

            @Override
            public void consumeTerms(Query query, Term... terms) {
                leaves[0] += terms.length;
            }

            @Override
            public QueryVisitor getSubVisitor(Occur occur, Query parent) {
                return this;
            }
        });
        if (leaves[0] > MAX_LEAF_QUERIES) {
            throw new CatalogQueryException(0, "query expands to " + leaves[0] + " term queries; at most " + MAX_LEAF_QUERIES
                    + " are accepted: use fewer words");
        }
        return q;
    }

    private static CatalogQueryException syntaxError(ParseException e) {
        String detail = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
        detail = detail == null ? "syntax error" : detail;
        if (detail.startsWith(REFUSED)) {
            return new CatalogQueryException(0, detail.substring(REFUSED.length()));
        }
        Matcher m = COLUMN.matcher(detail);
        int column = m.find() ? Integer.parseInt(m.group(1)) : 0;
        String firstLine = detail.lines().findFirst().orElse(detail);
        return new CatalogQueryException(column, "cannot parse the query" + (column > 0 ? " at column " + column : "") + ": "
                + firstLine + " (quote phrases with \"...\"; put a backslash before + - && || ! ( ) { } [ ] ^ \" ~ * ? : \\ / "
                + "to search for them literally)");
    }

    private static ParseException refused(String message) {
        return new ParseException(REFUSED + message);
    }

    @Override
    protected Query getFieldQuery(String field, String queryText, boolean quoted) throws ParseException {
        if (RuleCatalog.CVSS.equals(field)) {
            return DoublePoint.newExactQuery(field, number(field, queryText));
        }
        if (RuleCatalog.CASES.equals(field) || RuleCatalog.VERSION.equals(field)) {
            return IntPoint.newExactQuery(field, integer(field, queryText));
        }
        if (field == null && CVE_ID.matcher(queryText).matches()) {
            return cveAnywhere(queryText, quoted);
        }
        Query q = super.getFieldQuery(field, queryText, quoted);
        if (!quoted && (field == null || RuleCatalog.TITLE.equals(field)) && WORD.matcher(queryText).matches()) {
            String word = queryText.toLowerCase(Locale.ROOT);
            Query fuzzy = new BoostQuery(new FuzzyQuery(new Term(RuleCatalog.TITLE_WORDS, word), 1, 1), 0.5f);
            BooleanQuery.Builder b = new BooleanQuery.Builder();
            if (q != null) {
                b.add(q, Occur.SHOULD);
            }
            return b.add(fuzzy, Occur.SHOULD).build();
        }
        return q;
    }

    /**
     * A CVE id written as free text: the rule's CVE field, its id, and its title and description as
     * a phrase. Not the DRL: a rule's DRL names its own CVEs (already in the CVE field), and the
     * phrase "cve YEAR NUMBER" over every rule's DRL, where "cve" is in nearly every virtual patch,
     * was most of a lookup's cost. {@code drl:"CVE-..."} still searches DRL text.
     */
    private Query cveAnywhere(String queryText, boolean quoted) throws ParseException {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (String f : new String[] {RuleCatalog.ID, RuleCatalog.CVE, RuleCatalog.TITLE, RuleCatalog.DESCRIPTION}) {
            Query q = super.getFieldQuery(f, queryText, quoted);
            if (q != null) {
                b.add(new BoostQuery(q, boosts.getOrDefault(f, 1f)), Occur.SHOULD);
            }
        }
        return b.build();
    }

    @Override
    protected Query getRangeQuery(String field, String part1, String part2, boolean startInclusive, boolean endInclusive) throws ParseException {
        if (RuleCatalog.CVSS.equals(field)) {
            double lo = open(part1) ? Double.NEGATIVE_INFINITY : number(field, part1);
            double hi = open(part2) ? Double.POSITIVE_INFINITY : number(field, part2);
            return DoublePoint.newRangeQuery(field, startInclusive ? lo : Math.nextUp(lo), endInclusive ? hi : Math.nextDown(hi));
        }
        if (RuleCatalog.CASES.equals(field) || RuleCatalog.VERSION.equals(field)) {
            int lo = open(part1) ? Integer.MIN_VALUE : integer(field, part1);
            int hi = open(part2) ? Integer.MAX_VALUE : integer(field, part2);
            return IntPoint.newRangeQuery(field, startInclusive ? lo : lo + 1, endInclusive ? hi : hi - 1);
        }
        if (field == null) {
            throw refused("a range needs a field, as in cvss:[7 TO 10] or cases:[0 TO 2]");
        }
        return super.getRangeQuery(field, part1, part2, startInclusive, endInclusive);
    }

    /** The classic parser hands an open bound ({@code *}) over as null. */
    private static boolean open(String bound) {
        return bound == null || "*".equals(bound);
    }

    @Override
    protected Query getRegexpQuery(String field, String termStr) throws ParseException {
        throw refused("regular expressions (/.../) are not supported in catalog search; use a prefix (apach*) or a phrase");
    }

    @Override
    protected Query getPrefixQuery(String field, String termStr) throws ParseException {
        if (termStr.codePointCount(0, termStr.length()) < 2) {
            throw refused("a prefix needs at least 2 characters before '*' ('" + termStr + "*' would match nearly everything)");
        }
        return super.getPrefixQuery(field, termStr);
    }

    @Override
    protected Query getWildcardQuery(String field, String termStr) throws ParseException {
        if ("*".equals(field) && "*".equals(termStr)) {
            return new MatchAllDocsQuery();
        }
        int literal = 0;
        while (literal < termStr.length() && termStr.charAt(literal) != '*' && termStr.charAt(literal) != '?') {
            literal++;
        }
        if (literal < 2) {
            throw refused("a wildcard term needs at least 2 characters before its first '*' or '?' ('" + termStr + "'); an empty query lists every rule");
        }
        return super.getWildcardQuery(field, termStr);
    }

    @Override
    protected Query getFuzzyQuery(String field, String termStr, float minSimilarity) throws ParseException {
        if (termStr.length() < 3) {
            throw refused("a fuzzy term (~) needs at least 3 characters ('" + termStr + "~')");
        }
        return super.getFuzzyQuery(field, termStr, minSimilarity);
    }

    private static double number(String field, String text) throws ParseException {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw refused(field + " takes a number, as in " + field + ":9.8 or " + field + ":[7 TO 10]; '" + text + "' is not one");
        }
    }

    private static int integer(String field, String text) throws ParseException {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw refused(field + " takes a whole number, as in " + field + ":0 or " + field + ":[1 TO 5]; '" + text + "' is not one");
        }
    }
}
