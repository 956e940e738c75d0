package dev.bulwark.manager.security;

import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.audit.AuditLog;
import java.security.Principal;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** People: an admin creates users with a role (a generated first password, shown once); anyone changes their own password. */
@RestController
public class UserController {
    private final AppUserRepository users;
    private final PasswordEncoder encoder;
    private final AuditLog audit;
    private final Clock clock;

    public UserController(AppUserRepository users, PasswordEncoder encoder, AuditLog audit, Clock clock) {
        this.users = users;
        this.encoder = encoder;
        this.audit = audit;
        this.clock = clock;
    }

    public record NewUser(String username, String role) {
    }

    public record PasswordChange(String oldPassword, String newPassword) {
    }

    @GetMapping("/api/users")
    @PreAuthorize("hasRole('ADMIN')")
    public List<Map<String, Object>> list() {
        return users.findAll().stream().map(u -> Map.<String, Object>of("username", u.username(), "role", u.role().name(), "enabled", u.enabled())).toList();
    }

    @PostMapping("/api/users")
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional
    public Map<String, String> create(@RequestBody NewUser req, Principal who) {
        String name = req.username() == null ? "" : req.username().strip();
        if (!name.matches("[a-z][a-z0-9._-]{1,63}")) {
            throw ApiException.badRequest("bad-username", "username", "2-64 lower-case letters, digits and ._-, starting with a letter");
        }
        if (users.existsById(name)) {
            throw new ApiException(409, "username-taken", "username", "user " + name + " exists already");
        }
        Role role;
        try {
            role = Role.parse(req.role());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("bad-role", "role", e.getMessage());
        }
        String password = Secrets.generate("").substring(0, 20);
        users.save(new AppUser(name, encoder.encode(password), role, clock.instant()));
        audit.record(who.getName(), "user.create", "user/" + name, null, "role=" + role);
        return Map.of("username", name, "role", role.name(), "password", password);
    }

    @PostMapping("/api/session/password")
    @Transactional
    public Map<String, String> changeOwn(@RequestBody PasswordChange req, Principal who) {
        AppUser u = users.findById(who.getName())
                .orElseThrow(() -> new ApiException(403, "not-a-user", null, "only people who sign in with a password have one to change"));
        if (req.oldPassword() == null || !encoder.matches(req.oldPassword(), u.passwordHash())) {
            throw new ApiException(403, "bad-credentials", "oldPassword", "the current password is wrong");
        }
        String p = req.newPassword() == null ? "" : req.newPassword();
        if (p.length() < 12 || p.length() > 1000) {
            throw ApiException.badRequest("weak-password", "newPassword", "a password has at least 12 characters");
        }
        u.changePassword(encoder.encode(p));
        audit.record(who.getName(), "user.password", "user/" + who.getName(), null, null);
        return Map.of("username", who.getName(), "changed", "true");
    }
}
