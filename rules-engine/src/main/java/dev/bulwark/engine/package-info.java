/**
 * The vocabulary every Bulwark rule shares: results ({@link dev.bulwark.engine.Finding},
 * {@link dev.bulwark.engine.Verdict}), severities, protection modules and rule metadata.
 * This package knows nothing of Spring, Lucene, the agent or the manager.
 */
package dev.bulwark.engine;
