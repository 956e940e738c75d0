package dev.bulwark.manager.security;

import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.audit.AuditLog;
import java.security.Principal;
import java.time.Clock;
import java.util.Map;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
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
