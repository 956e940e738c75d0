/**
 * The rule catalog: a Lucene index of every rule the organisation has (built-in, its own, imported),
 * with fielded search, facets, highlighting and "similar rules", kept current incrementally.
 * It indexes and searches; it never compiles, signs or assigns rules.
 */
package dev.bulwark.authoring.catalog;
