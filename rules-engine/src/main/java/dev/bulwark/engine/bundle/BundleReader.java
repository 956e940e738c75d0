package dev.bulwark.engine.bundle;

import dev.bulwark.engine.FactTypes;
import dev.bulwark.engine.bundle.BundleRejectedException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Verifies a bundle for an agent, in this order: bounded read of the zip; signature over the raw
 * manifest bytes against the pinned key; manifest format; every entry's hash (and no entry
 * missing or extra); strictly newer version than the running one; same Drools version and fact
 * model as this runtime. Nothing is parsed beyond the zip structure until the signature holds.
 */
public final class BundleReader {

    private final PublicKey pinnedKey;
    private final String pinnedKeyId;
    private final BundleLimits limits;

    public BundleReader(PublicKey pinnedKey, BundleLimits limits) {
        this.pinnedKey = pinnedKey;
        this.pinnedKeyId = SigningKeys.keyId(pinnedKey);
        this.limits = limits;
    }

    public BundleReader(PublicKey pinnedKey) {
        this(pinnedKey, BundleLimits.DEFAULT);
    }

    /**
     * @param runningVersion version of the bundle the caller runs now, or 0 when it runs none
     */
    public VerifiedBundle verify(byte[] bundle, long runningVersion) throws BundleRejectedException {
        Map<String, byte[]> entries = readEntries(bundle);
        byte[] manifestBytes = require(entries, BundleManifest.MANIFEST);
        byte[] signatureBytes = require(entries, BundleManifest.SIGNATURE);

        BundleSignature signature;
        try {
            signature = BundleJson.MAPPER.readValue(signatureBytes, BundleSignature.class);
        } catch (IOException e) {
            throw new BundleRejectedException(Reason.MALFORMED, BundleManifest.SIGNATURE, "signature file does not parse: " + e.getMessage());
        }
        if (!BundleSignature.ED25519.equals(signature.algorithm())) {
            throw new BundleRejectedException(Reason.BAD_SIGNATURE, BundleManifest.SIGNATURE,
                    "algorithm '" + signature.algorithm() + "' is not accepted; bundles are signed with Ed25519");
        }
        if (!pinnedKeyId.equals(signature.keyId())) {
            throw new BundleRejectedException(Reason.WRONG_KEY, BundleManifest.SIGNATURE,
                    "signed by key " + signature.keyId() + " but this agent pins key " + pinnedKeyId
                            + "; install a bundle from your own manager or re-enrol the agent with the new key");
        }
        if (!signatureHolds(manifestBytes, signature.signature())) {
            throw new BundleRejectedException(Reason.BAD_SIGNATURE, BundleManifest.MANIFEST,
                    "the signature does not match the manifest: the bundle was altered after signing");
        }

        BundleManifest manifest = parseManifest(manifestBytes);
        Map<String, byte[]> data = new HashMap<>();
        for (Map.Entry<String, BundleManifest.EntryDigest> listed : manifest.entries().entrySet()) {
            byte[] content = entries.get(listed.getKey());
            if (content == null) {
                throw new BundleRejectedException(Reason.MISSING_ENTRY, listed.getKey(), "listed in the signed manifest but absent from the bundle");
            }
            if (content.length != listed.getValue().size() || !Digests.sha256(content).equals(listed.getValue().sha256())) {
                throw new BundleRejectedException(Reason.TAMPERED_ENTRY, listed.getKey(),
                        "content does not match the SHA-256 in the signed manifest");
            }
            if (listed.getKey().startsWith(BundleManifest.DATA_PREFIX)) {
                data.put(listed.getKey().substring(BundleManifest.DATA_PREFIX.length()), content);
            }
        }
        for (String name : entries.keySet()) {
            if (!name.equals(BundleManifest.MANIFEST) && !name.equals(BundleManifest.SIGNATURE) && !manifest.entries().containsKey(name)) {
                throw new BundleRejectedException(Reason.UNEXPECTED_ENTRY, name, "present in the bundle but not listed in the signed manifest");
            }
        }
        if (!manifest.entries().containsKey(manifest.kjar())) {
            throw new BundleRejectedException(Reason.MISSING_ENTRY, manifest.kjar(), "the manifest names a KJAR it does not list");
        }
        if (manifest.bundleVersion() <= runningVersion) {
            throw new BundleRejectedException(Reason.ROLLBACK, null, "bundle version " + manifest.bundleVersion()
                    + " is not newer than the running version " + runningVersion
                    + "; to return to older rules, publish them again as a new version");
        }
        String runtimeDrools = RuntimeVersions.drools();
        if (!runtimeDrools.equals(manifest.droolsVersion())) {
            throw new BundleRejectedException(Reason.INCOMPATIBLE_RUNTIME, manifest.kjar(), "compiled with Drools "
                    + manifest.droolsVersion() + " but this agent runs Drools " + runtimeDrools + "; rebuild the bundle on a matching manager");
        }
        if (!FactTypes.fingerprint().equals(manifest.factModel())) {
            throw new BundleRejectedException(Reason.INCOMPATIBLE_RUNTIME, manifest.kjar(),
                    "compiled against other fact classes (fingerprint " + manifest.factModel() + ", this agent has "
                            + FactTypes.fingerprint() + "); upgrade the agent or rebuild the bundle for this agent version");
        }
        return new VerifiedBundle(manifest, entries.get(manifest.kjar()), data);
    }

    /**
     * The manifest of a bundle, read with the same bounds but <em>without</em> verifying anything:
     * for inspection tools only. Never act on what it says.
     */
    public static BundleManifest unverifiedManifest(byte[] bundle) throws BundleRejectedException {
        BundleReader bounded = new BundleReader(BundleLimits.DEFAULT);
        return bounded.parseManifest(require(bounded.readEntries(bundle), BundleManifest.MANIFEST));
    }

    private BundleReader(BundleLimits limits) {
        this.pinnedKey = null;
        this.pinnedKeyId = null;
        this.limits = limits;
    }

    private BundleManifest parseManifest(byte[] manifestBytes) throws BundleRejectedException {
        int format;
        try {
            format = BundleJson.MAPPER.readTree(manifestBytes).path("formatVersion").asInt(-1);
        } catch (IOException e) {
            throw new BundleRejectedException(Reason.MALFORMED, BundleManifest.MANIFEST, "manifest is not JSON: " + e.getMessage());
        }
        if (format != BundleManifest.FORMAT_VERSION) {
            throw new BundleRejectedException(Reason.UNKNOWN_FORMAT_VERSION, BundleManifest.MANIFEST,
                    "format version " + format + " is not supported (this agent reads " + BundleManifest.FORMAT_VERSION + "); upgrade the agent");
        }
        try {
            return BundleJson.MAPPER.readValue(manifestBytes, BundleManifest.class);
        } catch (IOException e) {
            throw new BundleRejectedException(Reason.MALFORMED, BundleManifest.MANIFEST, "manifest does not match format "
                    + BundleManifest.FORMAT_VERSION + ": " + e.getMessage());
        }
    }

    private boolean signatureHolds(byte[] manifestBytes, String base64) throws BundleRejectedException {
        try {
            Signature verifier = Signature.getInstance(BundleSignature.ED25519);
            verifier.initVerify(pinnedKey);
            verifier.update(manifestBytes);
            return verifier.verify(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new BundleRejectedException(Reason.BAD_SIGNATURE, BundleManifest.SIGNATURE, "signature is not valid Ed25519: " + e.getMessage());
        }
    }

    private static byte[] require(Map<String, byte[]> entries, String name) throws BundleRejectedException {
        byte[] b = entries.get(name);
        if (b == null) {
            throw new BundleRejectedException(Reason.MISSING_ENTRY, name, "every bundle carries " + name + "; this is not a Bulwark bundle or it is incomplete");
        }
        return b;
    }

    /** Reads every entry, counting real bytes (never trusting sizes in headers) against the limits. */
    private Map<String, byte[]> readEntries(byte[] bundle) throws BundleRejectedException {
        if (bundle.length > limits.maxTotalBytes()) {
            throw new BundleRejectedException(Reason.OVERSIZED_ENTRY, null, "bundle of " + bundle.length + " bytes exceeds the limit of " + limits.maxTotalBytes());
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        long total = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bundle), StandardCharsets.UTF_8)) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                String name = entry.getName();
                if (entry.isDirectory() || !EntryNames.isSafe(name)) {
                    throw new BundleRejectedException(Reason.UNEXPECTED_ENTRY, name, "entry name is not allowed in a bundle");
                }
                if (entries.containsKey(name)) {
                    throw new BundleRejectedException(Reason.MALFORMED, name, "entry appears twice; a bundle names each entry once");
                }
                if (entries.size() >= limits.maxEntries()) {
                    throw new BundleRejectedException(Reason.OVERSIZED_ENTRY, name, "more than " + limits.maxEntries() + " entries");
                }
                byte[] content = readBounded(zip, name, limits.maxEntryBytes());
                total += content.length;
                if (total > limits.maxTotalBytes()) {
                    throw new BundleRejectedException(Reason.OVERSIZED_ENTRY, name, "expanded bundle exceeds " + limits.maxTotalBytes() + " bytes");
                }
                entries.put(name, content);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new BundleRejectedException(Reason.MALFORMED, null, "not a readable bundle (zip): " + e.getMessage());
        }
        if (entries.isEmpty()) {
            throw new BundleRejectedException(Reason.MALFORMED, null, "empty or not a zip file");
        }
        return entries;
    }

    private static byte[] readBounded(InputStream in, String name, long max) throws IOException, BundleRejectedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        long read = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            read += n;
            if (read > max) {
                throw new BundleRejectedException(Reason.OVERSIZED_ENTRY, name, "entry expands beyond " + max + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
