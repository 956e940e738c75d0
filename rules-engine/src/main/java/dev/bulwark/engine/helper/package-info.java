/**
 * Pure functions rules may call by class name: CIDR membership, globs, package version ordering
 * and a bounded regular-expression cache. No I/O, no shared mutable state beyond bounded caches;
 * every helper answers {@code false} (never throws) on malformed input from a fact.
 */
package dev.bulwark.engine.helper;
