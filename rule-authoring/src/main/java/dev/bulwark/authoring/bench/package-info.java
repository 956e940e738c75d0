/**
 * Benchmarks of the authoring side that print figures and never assert: knowledge-base compile
 * time, bundle size, and load time and heap on the agent's runtime (measured in a separate JVM).
 */
package dev.bulwark.authoring.bench;
