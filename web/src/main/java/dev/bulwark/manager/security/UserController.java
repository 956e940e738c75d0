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
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
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

    /** A change of a person's role or whether they may sign in; either may be absent. */
    public record Change(String role, Boolean enabled) {
    }

    /**
     * Changes a person's role or disables (enables) them; their open sessions end at their next
     * request ({@link SessionRecheck}). Nobody changes or disables themselves, and the last enabled
     * administrator stays one, so the manager cannot be locked out from its own console.
     */
    @PatchMapping("/api/users/{username}")
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional
    public Map<String, Object> change(@PathVariable String username, @RequestBody Change req, Principal who) {
        AppUser u = users.findById(username).orElseThrow(() -> new ApiException(404, "no-such-user", "username", "no user " + username));
        Role role = u.role();
        if (req.role() != null) {
            try {
                role = Role.parse(req.role());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("bad-role", "role", e.getMessage());
            }
        }
        boolean enabled = req.enabled() == null ? u.enabled() : req.enabled();
        if (role == u.role() && enabled == u.enabled()) {
            return view(u);
        }
        if (u.username().equals(who.getName())) {
            throw new ApiException(409, "own-account", "username", "you cannot change your own role or disable yourself; another administrator can");
        }
        boolean staysAdmin = role == Role.ADMIN && enabled;
        if (u.role() == Role.ADMIN && u.enabled() && !staysAdmin
                && users.findAll().stream().filter(x -> x.role() == Role.ADMIN && x.enabled()).count() <= 1) {
            throw new ApiException(409, "last-admin", "username", "the last enabled administrator stays one");
        }
        String before = "role=" + u.role() + " enabled=" + u.enabled();
        u.change(role, enabled);
        audit.record(who.getName(), "user.change", "user/" + u.username(), before, "role=" + role + " enabled=" + enabled);
        return view(u);
    }

    private static Map<String, Object> view(AppUser u) {
        return Map.of("username", u.username(), "role", u.role().name(), "enabled", u.enabled());
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
