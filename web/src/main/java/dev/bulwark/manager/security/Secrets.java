package dev.bulwark.manager.security;

import dev.bulwark.agent.protocol.RequestSignature;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/** Random secrets (API keys, enrolment tokens, first passwords) and their stored form. */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** {@code prefix} followed by 32 random bytes, URL-safe base64. */
    public static String generate(String prefix) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** What is stored of a high-entropy secret: its SHA-256, hex. */
    public static String storedForm(String secret) {
        return RequestSignature.sha256Hex(secret.getBytes(StandardCharsets.UTF_8));
    }
}
