package dev.bulwark.engine.bundle;

/**
 * Upper bounds a loader enforces while reading a bundle, before anything is verified: a hostile
 * file cannot make the agent allocate more than these.
 */
public record BundleLimits(int maxEntries, long maxEntryBytes, long maxTotalBytes) {
    public static final BundleLimits DEFAULT = new BundleLimits(1_000, 256L << 20, 512L << 20);
}
