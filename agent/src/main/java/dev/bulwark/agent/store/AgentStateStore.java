package dev.bulwark.agent.store;

import dev.bulwark.engine.bundle.BundleManifest;
import dev.bulwark.engine.bundle.BundleReader;
import dev.bulwark.engine.bundle.BundleRejectedException;
import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.evaluation.KnowledgeBaseSlot;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;

/**
 * The agent's state directory:
 * <pre>
 *   trust/bundle-signing.pub   the pinned key; bundles signed by anything else are refused
 *   kb/current.bkb             the bundle the agent runs
 *   kb/version                 its version: the floor for anti-rollback, kept across restarts
 * </pre>
 * A new bundle is verified and loaded before it replaces the current one; a refusal changes nothing.
 */
public final class AgentStateStore {

    private final Path root;

    public AgentStateStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    private Path pinnedKeyFile() {
        return root.resolve("trust/bundle-signing.pub");
    }

    private Path bundleFile() {
        return root.resolve("kb/current.bkb");
    }

    private Path versionFile() {
        return root.resolve("kb/version");
    }

    /** Pins the manager's bundle-signing key. Replacing a different pinned key must be asked for. */
    public void pinKey(PublicKey key, boolean replace) throws IOException {
        Optional<PublicKey> current = pinnedKey();
        if (current.isPresent() && !SigningKeys.keyId(current.get()).equals(SigningKeys.keyId(key)) && !replace) {
            throw new IOException("this agent already pins key " + SigningKeys.keyId(current.get())
                    + "; pass --replace to trust " + SigningKeys.keyId(key) + " instead (bundles signed by the old key will then be refused)");
        }
        AtomicFiles.write(pinnedKeyFile(), SigningKeys.publicPem(key).getBytes(StandardCharsets.US_ASCII));
    }

    public Optional<PublicKey> pinnedKey() throws IOException {
        Path f = pinnedKeyFile();
        return Files.exists(f) ? Optional.of(SigningKeys.readPublic(f)) : Optional.empty();
    }

    public long runningVersion() throws IOException {
        Path f = versionFile();
        if (!Files.exists(f)) {
            return 0;
        }
        String text = Files.readString(f, StandardCharsets.US_ASCII).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(f + " is corrupt ('" + text + "'); restore it or remove the kb/ folder and reinstall a bundle");
        }
    }

    /**
     * Verifies, loads and then makes {@code bundle} the current one. Throws without touching the
     * store when the bundle is refused.
     */
    public LoadedKnowledgeBase install(byte[] bundle) throws IOException, BundleRejectedException {
        PublicKey key = pinnedKey().orElseThrow(() -> new IOException(
                "no signing key is pinned in " + root + "; pin your manager's key first: bulwark-agent trust pin KEY.pub"));
        KnowledgeBaseSlot slot = new KnowledgeBaseSlot(new BundleReader(key), runningVersion());
        LoadedKnowledgeBase loaded = slot.install(bundle);
        AtomicFiles.write(bundleFile(), bundle);
        AtomicFiles.write(versionFile(), Long.toString(slot.runningVersion()).getBytes(StandardCharsets.US_ASCII));
        return loaded;
    }

    /**
     * Loads the current bundle. It is verified again (the file may have been changed on disk),
     * at its own version: the floor is the version before it.
     */
    public Optional<LoadedKnowledgeBase> loadCurrent() throws IOException, BundleRejectedException {
        if (!Files.exists(bundleFile())) {
            return Optional.empty();
        }
        PublicKey key = pinnedKey().orElseThrow(() -> new IOException("a bundle is installed but no key is pinned in " + root));
        long version = runningVersion();
        KnowledgeBaseSlot slot = new KnowledgeBaseSlot(new BundleReader(key), version - 1);
        LoadedKnowledgeBase kb = slot.install(Files.readAllBytes(bundleFile()));
        if (kb.version() != version) {
            throw new BundleRejectedException(BundleRejectedException.Reason.ROLLBACK, BundleManifest.MANIFEST,
                    "the installed bundle is version " + kb.version() + " but the store recorded " + version + "; reinstall the bundle");
        }
        return Optional.of(kb);
    }
}
