/**
 * Checks every DRL before it is compiled: the {@link dev.bulwark.engine.policy.DrlPolicy} (rules are
 * code, and Drools has no sandbox, so only an allowlist of types and calls may appear) and the
 * {@link dev.bulwark.engine.policy.RuleShapeLint} (rule shapes that make every event visit every
 * rule). Compile-side only: agents never parse DRL.
 */
package dev.bulwark.engine.policy;
