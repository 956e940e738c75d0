package dev.bulwark.engine.bundle;

/** {@code manifest.sig}: an Ed25519 signature over the exact bytes of {@code manifest.json}. */
public record BundleSignature(String algorithm, String keyId, String signature) {
    public static final String ED25519 = "Ed25519";
}
