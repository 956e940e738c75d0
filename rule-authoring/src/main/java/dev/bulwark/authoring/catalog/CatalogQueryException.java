package dev.bulwark.authoring.catalog;

/**
 * A search the catalog refuses: bad syntax, too long, too broad. Carries the 1-based column in the
 * query where the problem is (0 when it concerns the whole query) and says what to do instead.
 */
public final class CatalogQueryException extends Exception {

    private final int column;

    public CatalogQueryException(int column, String message) {
        super(message);
        this.column = column;
    }

    /** A query that would expand beyond what one search may cost (Lucene's clause limit). */
    static CatalogQueryException tooBroad(RuntimeException e) {
        return new CatalogQueryException(0, "query is too broad (" + e.getMessage() + "); use fewer words or longer prefixes");
    }

    public int column() {
        return column;
    }
}
