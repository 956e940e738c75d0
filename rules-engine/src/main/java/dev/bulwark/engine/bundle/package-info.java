/**
 * Signed knowledge-base bundles ({@code .bkb}): the zip layout, its manifest, Ed25519 signing and the
 * verification an agent runs before it loads anything. Verification never trusts a byte the
 * signature has not covered; a refused bundle raises a typed {@link dev.bulwark.engine.bundle.BundleRejectedException}.
 */
package dev.bulwark.engine.bundle;
