package dev.bulwark.authoring.catalog;

import java.util.List;
import java.util.Map;

/**
 * What a search found.
 *
 * @param total  every matching rule, not only the page returned
 * @param hits   the page, best first (ties broken by rule id, so the order is stable)
 * @param facets per dimension, values with their counts over all matching rules, most frequent first
 */
public record CatalogResult(long total, List<Hit> hits, Map<String, List<FacetCount>> facets) {

    /** @param highlights per field ({@code title}, {@code description}, {@code drl}), the matching fragments */
    public record Hit(CatalogRule rule, float score, Map<String, List<String>> highlights) {
    }

    public record FacetCount(String value, long count) {
    }
}
