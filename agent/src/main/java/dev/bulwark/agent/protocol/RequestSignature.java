package dev.bulwark.agent.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * How an enrolled agent authenticates each call: an Ed25519 signature, made with the agent's own
 * private key, over the method, the path with its query, the time, a random nonce and the SHA-256
 * of the body. The manager checks it against the public key it recorded at enrolment, refuses a
 * time outside {@link ProtocolLimits#CLOCK_SKEW} and a nonce it has already seen, so a captured
 * request can neither be altered nor replayed, and one agent cannot speak for another.
 *
 * <p>Headers: {@value #AGENT}, {@value #TIME} (epoch milliseconds), {@value #NONCE}, {@value #SIGNATURE} (base64).
 */
public final class RequestSignature {
    public static final String AGENT = "Bulwark-Agent";
    public static final String TIME = "Bulwark-Time";
    public static final String NONCE = "Bulwark-Nonce";
    public static final String SIGNATURE = "Bulwark-Signature";

    private RequestSignature() {
    }

    /** The exact bytes that are signed. */
    public static byte[] canonical(String agentId, String method, String pathAndQuery, long epochMillis, String nonce, byte[] body) {
        String text = "bulwark-agent-request-v1\n" + agentId + "\n" + method + "\n" + pathAndQuery + "\n" + epochMillis + "\n" + nonce
                + "\n" + sha256Hex(body == null ? new byte[0] : body);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static String sign(PrivateKey key, byte[] canonical) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(canonical);
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the agent key: " + e.getMessage(), e);
        }
    }

    /** True only for a well-formed signature of {@code canonical} by {@code key}; never throws on hostile input. */
    public static boolean verify(PublicKey key, byte[] canonical, String signatureBase64) {
        if (signatureBase64 == null || signatureBase64.length() > 200) {
            return false;
        }
        try {
            byte[] sig = Base64.getDecoder().decode(signatureBase64);
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(canonical);
            return s.verify(sig);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code epochMillis} lies within the allowed skew of {@code now}. */
    public static boolean fresh(long epochMillis, Instant now) {
        return Math.abs(now.toEpochMilli() - epochMillis) <= ProtocolLimits.CLOCK_SKEW.toMillis();
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
