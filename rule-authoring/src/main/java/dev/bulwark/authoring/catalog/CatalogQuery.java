package dev.bulwark.authoring.catalog;

import java.util.List;
import java.util.Map;

/**
 * A catalog search.
 *
 * @param text      fielded boolean query ({@code module:ips AND cve:CVE-2021-44228}, {@code "brute force"},
 *                  {@code apach*}, {@code cvss:[9 TO 10]}); blank means every rule
 * @param filters   facet drill-down: dimension to accepted values (values of one dimension are OR-ed)
 * @param offset    hits to skip, for paging (at most {@link RuleCatalog#MAX_WINDOW} with the limit)
 * @param limit     hits to return
 * @param facets    whether to count facets over all matching rules
 * @param highlight how to mark matched words in title, description and DRL; {@code null} for none
 */
public record CatalogQuery(String text, Map<String, List<String>> filters, int offset, int limit, boolean facets, Markup highlight) {

    /** How a highlighted fragment marks a match. */
    public enum Markup {
        /** HTML-escaped text with {@code <mark>...</mark>}: safe to put in a page. */
        HTML,
        /** Raw text with {@code [[...]]}: for a terminal. */
        PLAIN
    }

    public CatalogQuery {
        text = text == null ? "" : text;
        filters = Map.copyOf(filters);
    }

    public static CatalogQuery of(String text) {
        return new CatalogQuery(text, Map.of(), 0, 10, false, null);
    }

    public CatalogQuery limit(int n) {
        return new CatalogQuery(text, filters, offset, n, facets, highlight);
    }

    public CatalogQuery page(int skip, int n) {
        return new CatalogQuery(text, filters, skip, n, facets, highlight);
    }

    public CatalogQuery withFacets() {
        return new CatalogQuery(text, filters, offset, limit, true, highlight);
    }

    public CatalogQuery highlighted(Markup markup) {
        return new CatalogQuery(text, filters, offset, limit, facets, markup);
    }

    public CatalogQuery filter(Map<String, List<String>> f) {
        return new CatalogQuery(text, f, offset, limit, facets, highlight);
    }
}
