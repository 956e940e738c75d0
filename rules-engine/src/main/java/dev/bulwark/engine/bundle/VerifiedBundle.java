package dev.bulwark.engine.bundle;

import java.util.Map;

/**
 * A bundle whose signature, hashes, version and compatibility all checked out. Only
 * {@link BundleReader} creates one, so holding one means it was verified.
 *
 * @param data data files by name without the {@code data/} prefix
 */
public record VerifiedBundle(BundleManifest manifest, byte[] kjar, Map<String, byte[]> data) {
    public VerifiedBundle {
        data = Map.copyOf(data);
    }
}
