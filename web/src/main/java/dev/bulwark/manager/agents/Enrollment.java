package dev.bulwark.manager.agents;

import dev.bulwark.agent.protocol.Messages.EnrollRequest;
import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.audit.AuditLog;
import dev.bulwark.manager.security.Secrets;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Issues one-time enrolment tokens and turns a valid token plus an agent's public key into an enrolled agent. */
@Service
public class Enrollment {

    static final Duration MAX_TTL = Duration.ofDays(30);

    private final EnrollmentTokenRepository tokens;
    private final AgentRepository agents;
    private final AgentDirectory directory;
    private final AuditLog audit;
    private final Clock clock;

    public Enrollment(EnrollmentTokenRepository tokens, AgentRepository agents, AgentDirectory directory, AuditLog audit, Clock clock) {
        this.tokens = tokens;
        this.agents = agents;
        this.directory = directory;
        this.audit = audit;
        this.clock = clock;
    }

    /** A new token, valid once until {@code ttl} has passed; the clear text is returned only here. */
    public record IssuedToken(long id, String token, Instant expiresAt) {
    }

    @Transactional
    public IssuedToken issue(String actor, String label, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw ApiException.badRequest("bad-ttl", "ttl", "a token lives between 1 second and 30 days; asked for " + ttl);
        }
        String clean = label == null ? "" : label.strip();
        if (clean.length() > 200) {
            throw ApiException.badRequest("bad-label", "label", "a label has at most 200 characters");
        }
        String token = Secrets.generate("bwe_");
        Instant now = clock.instant();
        EnrollmentToken t = tokens.save(new EnrollmentToken(Secrets.storedForm(token), clean, actor, now, now.plus(ttl)));
        audit.record(actor, "enrollment-token.create", "enrollment-token/" + t.id(), null,
                "label=" + clean + " expires=" + t.expiresAt());
        return new IssuedToken(t.id(), token, t.expiresAt());
    }

    /** Withdraws a token not yet used, so nobody can enrol with it; a used or expired one is left as it is. */
    @Transactional
    public void withdraw(String actor, long id) {
        EnrollmentToken t = tokens.findById(id).orElseThrow(() -> new ApiException(404, "no-such-token", "id", "no enrolment token " + id));
        Instant now = clock.instant();
        if (t.usedAt() == null && t.expiresAt().isAfter(now)) {
            Instant before = t.expiresAt();
            t.expire(now);
            audit.record(actor, "enrollment-token.withdraw", "enrollment-token/" + id, "expires=" + before, "expires=" + now);
        }
    }

    /** Checks the request, uses up the token and records the agent; refuses with a typed error naming the field. */
    @Transactional
    public Agent enroll(EnrollRequest req) {
        if (req == null || req.token() == null || req.token().isBlank() || req.token().length() > 200) {
            throw new ApiException(401, "bad-token", "token", "an enrolment token is required; ask an administrator for a new one");
        }
        String host = req.hostname() == null ? "" : req.hostname().strip();
        if (host.isEmpty() || host.length() > 255 || !host.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw ApiException.badRequest("bad-hostname", "hostname", "hostname must be 1-255 printable ASCII characters without spaces");
        }
        if (req.publicKeyPem() == null || req.publicKeyPem().length() > 1000) {
            throw ApiException.badRequest("bad-public-key", "publicKeyPem", "an Ed25519 public key (X.509 PEM) is required");
        }
        PublicKey key;
        try {
            key = SigningKeys.parsePublic(req.publicKeyPem(), "publicKeyPem");
        } catch (IOException e) {
            throw ApiException.badRequest("bad-public-key", "publicKeyPem", e.getMessage());
        }
        EnrollmentToken t = tokens.findByTokenHash(Secrets.storedForm(req.token().strip()))
                .orElseThrow(() -> new ApiException(401, "bad-token", "token", "this enrolment token is not known; ask an administrator for a new one"));
        Instant now = clock.instant();
        if (t.usedAt() != null) {
            throw new ApiException(401, "token-used", "token", "this enrolment token was already used (by agent " + t.usedBy() + "); tokens work once");
        }
        if (!now.isBefore(t.expiresAt())) {
            throw new ApiException(401, "token-expired", "token", "this enrolment token expired at " + t.expiresAt() + "; ask for a new one");
        }
        String id = UUID.randomUUID().toString();
        Agent a = agents.save(new Agent(id, host, SigningKeys.publicPem(key), SigningKeys.keyId(key),
                cut(req.os(), 255), cut(req.agentVersion(), 64), now));
        t.use(now, id);
        audit.record("agent:" + id, "agent.enroll", "agent/" + id, null,
                "hostname=" + host + " key=" + SigningKeys.keyId(key) + " token=" + t.id());
        return a;
    }

    @Transactional
    public void deactivate(String actor, String agentId) {
        Agent a = agents.findById(agentId).orElseThrow(() -> new ApiException(404, "no-such-agent", "id", "no agent " + agentId));
        if (!a.active()) {
            return;
        }
        a.deactivate();
        directory.forget(agentId);
        audit.record(actor, "agent.deactivate", "agent/" + agentId, "active=true", "active=false");
    }

    static String cut(String s, int max) {
        if (s == null) {
            return null;
        }
        return s.length() > max ? s.substring(0, max) : s;
    }
}
