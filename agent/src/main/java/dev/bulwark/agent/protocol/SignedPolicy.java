package dev.bulwark.agent.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;

/**
 * A computer's effective policy as the manager sends it: the settings in force and, for each, where
 * it comes from (a policy's name, {@code computer}, or {@code default}), with a revision that only
 * grows, signed with the manager's bundle-signing key. The agent checks the signature against its
 * pinned key, that the document is for itself, and that the revision is not older than the one it
 * runs, exactly as it checks a bundle.
 */
public final class SignedPolicy {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SignedPolicy() {
    }

    public record EffectivePolicy(String agentId, long revision, String issuedAt, String policyName,
                                  Map<String, String> settings, Map<String, String> sources) {
    }

    /** The wire form: the exact policy bytes (base64) and the signature over them. */
    public record Envelope(String policy, String signature) {
    }

    public static Envelope sign(EffectivePolicy p, KeyPair key) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(p);
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key.getPrivate());
            s.update(bytes);
            return new Envelope(Base64.getEncoder().encodeToString(bytes), Base64.getEncoder().encodeToString(s.sign()));
        } catch (JsonProcessingException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the policy: " + e.getMessage(), e);
        }
    }

    /** Verifies and opens an envelope; the message says why a refusal happened. */
    public static EffectivePolicy open(Envelope env, PublicKey pinned, String agentId, long runningRevision) throws IOException {
        if (env == null || env.policy() == null || env.signature() == null) {
            throw new IOException("the policy envelope is incomplete");
        }
        byte[] bytes;
        byte[] sig;
        try {
            bytes = Base64.getDecoder().decode(env.policy());
            sig = Base64.getDecoder().decode(env.signature());
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(pinned);
            s.update(bytes);
            if (!s.verify(sig)) {
                throw new IOException("the policy's signature does not match the pinned manager key: refused");
            }
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IOException("the policy's signature cannot be checked: " + e.getMessage());
        }
        EffectivePolicy p = JSON.readValue(new String(bytes, StandardCharsets.UTF_8), EffectivePolicy.class);
        if (!agentId.equals(p.agentId())) {
            throw new IOException("the policy is for agent " + p.agentId() + ", not this one (" + agentId + "): refused");
        }
        if (p.revision() < runningRevision) {
            throw new IOException("policy revision " + p.revision() + " is older than the running " + runningRevision + ": refused");
        }
        for (Map.Entry<String, String> e : p.settings().entrySet()) {
            try {
                PolicySettings.normalise(e.getKey(), e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new IOException("the policy holds a setting this agent does not accept: " + ex.getMessage());
            }
        }
        return p;
    }
}
