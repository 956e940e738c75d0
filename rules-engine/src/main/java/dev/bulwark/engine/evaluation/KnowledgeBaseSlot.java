package dev.bulwark.engine.evaluation;

import dev.bulwark.engine.bundle.BundleReader;
import dev.bulwark.engine.bundle.BundleRejectedException;
import dev.bulwark.engine.bundle.VerifiedBundle;
import java.util.Optional;

/**
 * The knowledge base an agent runs, and the only way to replace it: a new bundle is verified
 * against the pinned key and the running version, then loaded, and only then swapped in. Any
 * refusal leaves the running knowledge base exactly as it was.
 */
public final class KnowledgeBaseSlot {

    private final BundleReader reader;
    private volatile LoadedKnowledgeBase current;
    private volatile long runningVersion;

    /**
     * @param runningVersion the last version this agent accepted (persisted across restarts), or 0
     */
    public KnowledgeBaseSlot(BundleReader reader, long runningVersion) {
        this.reader = reader;
        this.runningVersion = runningVersion;
    }

    public synchronized LoadedKnowledgeBase install(byte[] bundle) throws BundleRejectedException {
        VerifiedBundle verified = reader.verify(bundle, runningVersion);
        LoadedKnowledgeBase loaded = KnowledgeBaseLoader.load(verified);
        current = loaded;
        runningVersion = verified.manifest().bundleVersion();
        return loaded;
    }

    public Optional<LoadedKnowledgeBase> current() {
        return Optional.ofNullable(current);
    }

    public long runningVersion() {
        return runningVersion;
    }
}
