package dev.bulwark.engine.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 key pairs for signing bundles, stored as PEM-style text: the private key PKCS#8 in a file
 * only its owner can read, the public key X.509 for agents to pin. The key id is the first 16 hex
 * digits of the SHA-256 of the encoded public key.
 */
public final class SigningKeys {

    private static final String PRIVATE_LABEL = "PRIVATE KEY";
    private static final String PUBLIC_LABEL = "PUBLIC KEY";

    private SigningKeys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks Ed25519", e);
        }
    }

    /**
     * Writes {@code NAME.key} (mode 0600) and {@code NAME.pub} into {@code dir}. Refuses to overwrite an
     * existing private key: losing a manager's key strands every agent that pins it.
     */
    public static KeyPair generateInto(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path priv = dir.resolve(name + ".key");
        Path pub = dir.resolve(name + ".pub");
        if (Files.exists(priv)) {
            throw new IOException(priv + " already exists; move it away first if you really mean to replace the signing key");
        }
        KeyPair pair = generate();
        Files.createFile(priv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(priv, pem(PRIVATE_LABEL, pair.getPrivate().getEncoded()), StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(pub, pem(PUBLIC_LABEL, pair.getPublic().getEncoded()));
        return pair;
    }

    public static PrivateKey readPrivate(Path file) throws IOException {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(unpem(file, PRIVATE_LABEL)));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not an Ed25519 private key (PKCS#8 PEM); create one with 'bulwark-rules keygen'", e);
        }
    }

    public static PublicKey readPublic(Path file) throws IOException {
        return parsePublic(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    }

    public static PublicKey parsePublic(String pemText, String where) throws IOException {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(unpem(pemText, PUBLIC_LABEL, where)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(where + " is not an Ed25519 public key (X.509 PEM)", e);
        }
    }

    public static String publicPem(PublicKey key) {
        return pem(PUBLIC_LABEL, key.getEncoded());
    }

    public static String keyId(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded())).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a signing pair: {@code NAME.key} and the {@code NAME.pub} beside it (as {@link #generateInto} writes
     * them), and checks that they belong together by signing and verifying a probe.
     */
    public static KeyPair readPair(Path privateKeyFile) throws IOException {
        String name = privateKeyFile.getFileName().toString();
        Path pubFile = privateKeyFile.resolveSibling(name.endsWith(".key") ? name.substring(0, name.length() - 4) + ".pub" : name + ".pub");
        if (!Files.exists(pubFile)) {
            throw new IOException("no public key " + pubFile + " beside " + privateKeyFile + "; keep the pair together as 'bulwark-rules keygen' wrote it");
        }
        KeyPair pair = new KeyPair(readPublic(pubFile), readPrivate(privateKeyFile));
        try {
            byte[] probe = "bulwark-key-pair-check".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance("Ed25519");
            signer.initSign(pair.getPrivate());
            signer.update(probe);
            byte[] sig = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance("Ed25519");
            verifier.initVerify(pair.getPublic());
            verifier.update(probe);
            if (!verifier.verify(sig)) {
                throw new IOException(pubFile + " is not the public half of " + privateKeyFile);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use key pair " + privateKeyFile + ": " + e.getMessage(), e);
        }
        return pair;
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] unpem(Path file, String label) throws IOException {
        return unpem(Files.readString(file, StandardCharsets.US_ASCII), label, file.toString());
    }

    private static byte[] unpem(String text, String label, String where) throws IOException {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IOException(where + ": expected a '" + begin + "' block");
        }
        return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    }
}
