package dev.bulwark.engine.bundle;

/**
 * A bundle the loader refused. The running knowledge base stays in place; {@link #reason()} says
 * which check failed, {@link #entry()} which part of the bundle (or {@code null}), and the
 * message what to do about it.
 */
public final class BundleRejectedException extends Exception {

    /** Which check refused the bundle. Stable names: events and exit codes carry them. */
    public enum Reason {
        /** Not a readable zip, or a manifest/signature that does not parse. */
        MALFORMED,
        /** The manifest or signature, or an entry the manifest lists, is absent. */
        MISSING_ENTRY,
        /** An entry the signed manifest does not list. */
        UNEXPECTED_ENTRY,
        /** Signed by a key other than the one this agent pins. */
        WRONG_KEY,
        /** The signature does not verify against the pinned key. */
        BAD_SIGNATURE,
        /** An entry's content differs from the hash the signed manifest records. */
        TAMPERED_ENTRY,
        /** Not newer than the bundle already running. */
        ROLLBACK,
        /** A manifest format this loader does not know. */
        UNKNOWN_FORMAT_VERSION,
        /** An entry or the whole bundle exceeds the loader's limits. */
        OVERSIZED_ENTRY,
        /** Built for another Drools version or other fact classes than this runtime has. */
        INCOMPATIBLE_RUNTIME,
        /** Verified, but the rule classes inside would not load. */
        UNLOADABLE
    }

    private final Reason reason;
    private final String entry;

    public BundleRejectedException(Reason reason, String entry, String message) {
        super(message);
        this.reason = reason;
        this.entry = entry;
    }

    public BundleRejectedException(Reason reason, String entry, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.entry = entry;
    }

    public Reason reason() {
        return reason;
    }

    public String entry() {
        return entry;
    }

    @Override
    public String getMessage() {
        return reason + (entry == null ? "" : " [" + entry + "]") + ": " + super.getMessage();
    }
}
