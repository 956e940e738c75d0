package dev.bulwark.engine.bundle;

import dev.bulwark.engine.RuleMetadata;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}: what a bundle is and the SHA-256 of every other entry. The signature in
 * {@code manifest.sig} covers the exact bytes of this file, so it authenticates every entry.
 *
 * @param formatVersion  layout version of the bundle; {@value #FORMAT_VERSION} is the only one so far
 * @param bundleVersion  strictly increasing; an agent refuses anything not newer than what it runs
 * @param createdAt      ISO-8601 instant
 * @param droolsVersion  the Drools version the KJAR was compiled with; loaders refuse another
 * @param factModel      {@link dev.bulwark.engine.FactTypes#fingerprint()} at build time
 * @param keyId          id of the signing key ({@link SigningKeys#keyId})
 * @param kjar           entry name of the executable-model KJAR
 * @param entries        every entry except the manifest and signature, name to digest
 */
public record BundleManifest(int formatVersion, long bundleVersion, String createdAt, String droolsVersion,
                             String factModel, String keyId, List<String> modules, List<RuleMetadata> rules,
                             String kjar, Map<String, EntryDigest> entries) {

    public static final int FORMAT_VERSION = 1;
    public static final String MANIFEST = "manifest.json";
    public static final String SIGNATURE = "manifest.sig";
    public static final String KJAR = "rules.kjar";
    public static final String DATA_PREFIX = "data/";

    public BundleManifest {
        modules = List.copyOf(modules);
        rules = List.copyOf(rules);
        entries = Map.copyOf(entries);
    }

    /** @param sha256 lowercase hex */
    public record EntryDigest(String sha256, long size) {
    }
}
