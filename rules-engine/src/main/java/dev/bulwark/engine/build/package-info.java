/**
 * Compiles rule content into signed bundles: DRL through the {@link dev.bulwark.engine.policy.DrlPolicy},
 * metadata validation and the Drools executable-model compiler into a KJAR, then into a signed
 * {@code .bkb}. Compile-side only (manager and authoring tools): it needs the Drools compiler,
 * which agents never carry.
 */
package dev.bulwark.engine.build;
