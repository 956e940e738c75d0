package dev.bulwark.manager.security;

import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.audit.AuditLog;
import java.security.Principal;
import java.time.Clock;
import java.util.Map;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** API keys: an admin creates one for a role (the key is shown once) or revokes one. */
@RestController
public class ApiKeyController {
    private final ApiKeyRepository keys;
    private final AuditLog audit;
    private final Clock clock;

    public ApiKeyController(ApiKeyRepository keys, AuditLog audit, Clock clock) {
        this.keys = keys;
        this.audit = audit;
        this.clock = clock;
    }

    public record NewKey(String label, String role) {
    }

    public record IssuedKey(long id, String key, String role) {
    }

    /** A key as listed: never the key, only its first characters, to recognise it. */
    public record KeyView(long id, String prefix, String label, String role, String createdBy, java.time.Instant createdAt, java.time.Instant revokedAt) {
    }

    @GetMapping("/api/api-keys")
    @PreAuthorize("hasRole('ADMIN')")
    public java.util.List<KeyView> list() {
        return keys.findAll(org.springframework.data.domain.Sort.by("id")).stream()
                .map(k -> new KeyView(k.id(), k.prefix(), k.label(), k.role().name(), k.createdBy(), k.createdAt(), k.revokedAt())).toList();
    }

    @PostMapping("/api/api-keys")
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional
    public IssuedKey create(@RequestBody NewKey req, Principal who) {
        Role role;
        try {
            role = Role.parse(req.role());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("bad-role", "role", e.getMessage());
        }
        String label = req.label() == null ? "" : req.label().strip();
        if (label.isEmpty() || label.length() > 200) {
            throw ApiException.badRequest("bad-label", "label", "a label of 1-200 characters says what the key is for");
        }
        String key = Secrets.generate("bwk_");
        ApiKey k = keys.save(new ApiKey(Secrets.storedForm(key), key.substring(0, 10), label, role, who.getName(), clock.instant()));
        audit.record(who.getName(), "api-key.create", "api-key/" + k.id(), null, "role=" + role + " label=" + label);
        return new IssuedKey(k.id(), key, role.name());
    }

    @DeleteMapping("/api/api-keys/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional
    public Map<String, Object> revoke(@PathVariable long id, Principal who) {
        ApiKey k = keys.findById(id).orElseThrow(() -> new ApiException(404, "no-such-key", "id", "no API key " + id));
        if (!k.revoked()) {
            k.revoke(clock.instant());
            audit.record(who.getName(), "api-key.revoke", "api-key/" + id, "revoked=false", "revoked=true");
        }
        return Map.of("id", id, "revoked", true);
    }
}
