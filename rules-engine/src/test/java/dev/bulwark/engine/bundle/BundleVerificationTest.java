package dev.bulwark.engine.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.engine.RuleMetadata;
import dev.bulwark.engine.TestRules;
import dev.bulwark.engine.build.BundleBuilder;
import dev.bulwark.engine.bundle.BundleRejectedException.Reason;
import dev.bulwark.engine.evaluation.KnowledgeBaseSlot;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleVerificationTest {

    private static final KeyPair KEY = SigningKeys.generate();
    private static final KeyPair OTHER_KEY = SigningKeys.generate();
    private static byte[] v5;
    private static byte[] v6;

    @BeforeAll
    static void build() throws Exception {
        BundleBuilder builder = new BundleBuilder();
        Map<String, byte[]> data = Map.of("signatures/test.hsb", "abc:1:Test\n".getBytes(StandardCharsets.UTF_8));
        v5 = builder.build(TestRules.sources(TestRules.SSH_RULES), data, 5, KEY).bundle();
        v6 = builder.build(TestRules.sources(TestRules.SSH_RULES), data, 6, KEY).bundle();
    }

    private static BundleReader reader() {
        return new BundleReader(KEY.getPublic());
    }

    @Test
    void validBundleVerifiesAndCarriesItsManifest() throws Exception {
        VerifiedBundle b = reader().verify(v5, 0);
        BundleManifest m = b.manifest();
        assertEquals(BundleManifest.FORMAT_VERSION, m.formatVersion());
        assertEquals(5, m.bundleVersion());
        assertEquals(RuntimeVersions.drools(), m.droolsVersion());
        assertEquals(SigningKeys.keyId(KEY.getPublic()), m.keyId());
        assertEquals(List.of("loginspection"), m.modules());
        assertEquals(List.of("LI-TEST-0001", "LI-TEST-0002"), m.rules().stream().map(RuleMetadata::id).toList());
        assertArrayEquals("abc:1:Test\n".getBytes(StandardCharsets.UTF_8), b.data().get("signatures/test.hsb"));
        assertTrue(m.entries().containsKey(BundleManifest.KJAR));
    }

    @Test
    void tamperedEntryIsRefused() {
        byte[] tampered = rewrite(v5, Map.of("data/signatures/test.hsb", old -> "evil:1:Bad\n".getBytes(StandardCharsets.UTF_8)));
        assertRejected(Reason.TAMPERED_ENTRY, tampered, 0);
    }

    @Test
    void tamperedKjarIsRefused() {
        byte[] tampered = rewrite(v5, Map.of(BundleManifest.KJAR, old -> {
            byte[] copy = old.clone();
            copy[copy.length / 2] ^= 1;
            return copy;
        }));
        assertRejected(Reason.TAMPERED_ENTRY, tampered, 0);
    }

    @Test
    void editedManifestBreaksTheSignature() {
        byte[] edited = rewrite(v5, Map.of(BundleManifest.MANIFEST, old -> new String(old, StandardCharsets.UTF_8)
                .replace("\"bundleVersion\" : 5", "\"bundleVersion\" : 500").getBytes(StandardCharsets.UTF_8)));
        assertRejected(Reason.BAD_SIGNATURE, edited, 0);
    }

    @Test
    void bundleReSignedWithAnotherKeyIsRefused() {
        byte[] resigned = rewrite(v5, Map.of(BundleManifest.SIGNATURE, old -> signature(manifestOf(v5), OTHER_KEY)));
        assertRejected(Reason.WRONG_KEY, resigned, 0);
    }

    @Test
    void signatureClaimingThePinnedKeyButMadeWithAnotherIsRefused() {
        byte[] forged = rewrite(v5, Map.of(BundleManifest.SIGNATURE, old -> {
            String json = new String(signature(manifestOf(v5), OTHER_KEY), StandardCharsets.UTF_8);
            return json.replace(SigningKeys.keyId(OTHER_KEY.getPublic()), SigningKeys.keyId(KEY.getPublic())).getBytes(StandardCharsets.UTF_8);
        }));
        assertRejected(Reason.BAD_SIGNATURE, forged, 0);
    }

    @Test
    void olderOrSameVersionIsRefused() {
        assertRejected(Reason.ROLLBACK, v5, 5);
        assertRejected(Reason.ROLLBACK, v5, 6);
    }

    @Test
    void unknownFormatVersionIsRefusedEvenWhenProperlySigned() throws Exception {
        byte[] manifest = manifestOf(v5);
        ObjectNode tree = (ObjectNode) BundleJson.MAPPER.readTree(manifest);
        tree.put("formatVersion", 2);
        byte[] newManifest = BundleJson.MAPPER.writeValueAsBytes(tree);
        byte[] b = rewrite(v5, Map.of(BundleManifest.MANIFEST, old -> newManifest, BundleManifest.SIGNATURE, old -> signature(newManifest, KEY)));
        assertRejected(Reason.UNKNOWN_FORMAT_VERSION, b, 0);
    }

    @Test
    void extraEntryIsRefused() {
        byte[] b = addEntry(v5, "data/extra.txt", "not signed".getBytes(StandardCharsets.UTF_8));
        assertRejected(Reason.UNEXPECTED_ENTRY, b, 0);
    }

    @Test
    void missingEntryIsRefused() {
        byte[] b = rewrite(v5, Map.of("data/signatures/test.hsb", old -> null));
        assertRejected(Reason.MISSING_ENTRY, b, 0);
        assertRejected(Reason.MISSING_ENTRY, rewrite(v5, Map.of(BundleManifest.SIGNATURE, old -> null)), 0);
    }

    @Test
    void pathTraversalEntryIsRefused() {
        assertRejected(Reason.UNEXPECTED_ENTRY, addEntry(v5, "../../etc/cron.d/evil", new byte[] {1}), 0);
    }

    @Test
    void oversizedEntryIsRefusedWhileReading() {
        byte[] big = addEntry(v5, "data/huge.bin", new byte[2 << 20]);
        BundleRejectedException e = assertThrows(BundleRejectedException.class,
                () -> new BundleReader(KEY.getPublic(), new BundleLimits(100, 1 << 20, 64L << 20)).verify(big, 0));
        assertEquals(Reason.OVERSIZED_ENTRY, e.reason());
        assertEquals("data/huge.bin", e.entry());
    }

    @Test
    void garbageIsMalformed() {
        assertRejected(Reason.MALFORMED, "this is not a zip".getBytes(StandardCharsets.UTF_8), 0);
        assertRejected(Reason.MALFORMED, new byte[0], 0);
    }

    @Test
    void slotKeepsTheRunningKnowledgeBaseWhenANewBundleIsRefused() throws Exception {
        KnowledgeBaseSlot slot = new KnowledgeBaseSlot(reader(), 0);
        LoadedKnowledgeBase running = slot.install(v5);
        assertEquals(5, slot.runningVersion());
        BundleRejectedException e = assertThrows(BundleRejectedException.class, () -> slot.install(v5));
        assertEquals(Reason.ROLLBACK, e.reason());
        byte[] tampered = rewrite(v6, Map.of(BundleManifest.KJAR, old -> {
            byte[] copy = old.clone();
            copy[10] ^= 1;
            return copy;
        }));
        assertEquals(Reason.TAMPERED_ENTRY, assertThrows(BundleRejectedException.class, () -> slot.install(tampered)).reason());
        assertSame(running, slot.current().orElseThrow());
        assertEquals(5, slot.runningVersion());
        slot.install(v6);
        assertEquals(6, slot.runningVersion());
    }

    @Test
    void keyFilesRoundTripWithAPrivateKeyOnlyItsOwnerCanRead(@TempDir Path dir) throws Exception {
        KeyPair pair = SigningKeys.generateInto(dir, "manager");
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir.resolve("manager.key"));
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), perms);
        KeyPair read = SigningKeys.readPair(dir.resolve("manager.key"));
        assertEquals(SigningKeys.keyId(pair.getPublic()), SigningKeys.keyId(read.getPublic()));
        assertThrows(IOException.class, () -> SigningKeys.generateInto(dir, "manager"));
        byte[] b = new BundleBuilder().build(TestRules.sources(TestRules.SSH_RULES), Map.of(), 1, read).bundle();
        new BundleReader(SigningKeys.readPublic(dir.resolve("manager.pub"))).verify(b, 0);
    }

    private static void assertRejected(Reason reason, byte[] bundle, long running) {
        BundleRejectedException e = assertThrows(BundleRejectedException.class, () -> reader().verify(bundle, running));
        assertEquals(reason, e.reason(), e.getMessage());
    }

    static byte[] manifestOf(byte[] bundle) {
        return entries(bundle).get(BundleManifest.MANIFEST);
    }

    private static byte[] signature(byte[] manifest, KeyPair key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key.getPrivate());
            s.update(manifest);
            return BundleJson.MAPPER.writeValueAsBytes(new BundleSignature("Ed25519", SigningKeys.keyId(key.getPublic()),
                    Base64.getEncoder().encodeToString(s.sign())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, byte[]> entries(byte[] bundle) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bundle))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                out.put(e.getName(), zip.readAllBytes());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Rewrites entries; a function returning null drops the entry. */
    static byte[] rewrite(byte[] bundle, Map<String, UnaryOperator<byte[]>> changes) {
        Map<String, byte[]> entries = entries(bundle);
        changes.forEach((name, f) -> {
            byte[] now = f.apply(entries.get(name));
            if (now == null) {
                entries.remove(name);
            } else {
                entries.put(name, now);
            }
        });
        return zip(entries);
    }

    static byte[] addEntry(byte[] bundle, String name, byte[] content) {
        Map<String, byte[]> entries = entries(bundle);
        entries.put(name, content);
        return zip(entries);
    }

    private static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
