package dev.bulwark.engine.bundle;

import dev.bulwark.engine.FactTypes;
import dev.bulwark.engine.RuleMetadata;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Assembles and signs a bundle: the KJAR, data files under {@code data/}, a manifest with the
 * SHA-256 of each, and an Ed25519 signature over the manifest. Entries are written in name order
 * with fixed timestamps so the same input gives the same bytes (apart from the signature).
 */
public final class BundleWriter {

    private BundleWriter() {
    }

    /**
     * @param data file name (without {@code data/}) to content: signature sets, reputation lists, feeds
     */
    public static byte[] write(long bundleVersion, Instant createdAt, String droolsVersion, byte[] kjar,
                               List<RuleMetadata> rules, Map<String, byte[]> data, KeyPair signer) {
        if (bundleVersion <= 0) {
            throw new IllegalArgumentException("bundle version must be positive, got " + bundleVersion);
        }
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put(BundleManifest.KJAR, kjar);
        data.forEach((name, bytes) -> entries.put(BundleManifest.DATA_PREFIX + EntryNames.requireSafe(name), bytes));

        Map<String, BundleManifest.EntryDigest> digests = new TreeMap<>();
        entries.forEach((name, bytes) -> digests.put(name, new BundleManifest.EntryDigest(Digests.sha256(bytes), bytes.length)));
        TreeSet<String> modules = new TreeSet<>();
        rules.forEach(r -> modules.add(r.module()));
        String keyId = SigningKeys.keyId(signer.getPublic());
        BundleManifest manifest = new BundleManifest(BundleManifest.FORMAT_VERSION, bundleVersion, createdAt.toString(),
                droolsVersion, FactTypes.fingerprint(), keyId, List.copyOf(modules), rules, BundleManifest.KJAR, digests);
        try {
            byte[] manifestBytes = BundleJson.MAPPER.writeValueAsBytes(manifest);
            Signature sig = Signature.getInstance(BundleSignature.ED25519);
            sig.initSign(signer.getPrivate());
            sig.update(manifestBytes);
            BundleSignature signature = new BundleSignature(BundleSignature.ED25519, keyId,
                    Base64.getEncoder().encodeToString(sig.sign()));

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
                put(zip, BundleManifest.MANIFEST, manifestBytes);
                put(zip, BundleManifest.SIGNATURE, BundleJson.MAPPER.writeValueAsBytes(signature));
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    put(zip, e.getKey(), e.getValue());
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the given key: " + e.getMessage(), e);
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setTime(0L);
        zip.putNextEntry(entry);
        zip.write(bytes);
        zip.closeEntry();
    }
}
