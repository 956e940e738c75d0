package dev.bulwark.manager.console;

import dev.bulwark.manager.agents.Enrollment;
import dev.bulwark.manager.agents.EnrollmentTokenRepository;
import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.exports.SyslogForwarder;
import dev.bulwark.manager.exports.SyslogSettings;
import dev.bulwark.manager.security.ApiKeyController;
import dev.bulwark.manager.security.ApiKeyRepository;
import dev.bulwark.manager.security.AppUserRepository;
import dev.bulwark.manager.security.Role;
import dev.bulwark.manager.security.UserController;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.data.domain.Sort;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Administration: people and their roles, API keys, enrolment tokens and syslog forwarding. Only
 * administrators reach these pages (the security chain and here); every change goes through the
 * same checks and audit as the API, and a secret (first password, API key, token) is shown once, on
 * the page that answers its creation, and never stored in clear.
 */
@Controller
@PreAuthorize("hasRole('ADMIN')")
public class AdminPages {
    private final AppUserRepository users;
    private final UserController accounts;
    private final ApiKeyRepository keys;
    private final ApiKeyController keyIssuer;
    private final EnrollmentTokenRepository tokens;
    private final Enrollment enrollment;
    private final SyslogForwarder syslog;
    private final SyslogSettings syslogSettings;
    private final Clock clock;

    public AdminPages(AppUserRepository users, UserController accounts, ApiKeyRepository keys, ApiKeyController keyIssuer,
                      EnrollmentTokenRepository tokens, Enrollment enrollment, SyslogForwarder syslog, SyslogSettings syslogSettings, Clock clock) {
        this.users = users;
        this.accounts = accounts;
        this.keys = keys;
        this.keyIssuer = keyIssuer;
        this.tokens = tokens;
        this.enrollment = enrollment;
        this.syslog = syslog;
        this.syslogSettings = syslogSettings;
        this.clock = clock;
    }

    private static List<String> roles() {
        return Arrays.stream(Role.values()).map(r -> r.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).toList();
    }

    @GetMapping("/console/admin/users")
    public String users(Model model) {
        model.addAttribute("users", users.findAll(Sort.by("username")));
        model.addAttribute("roles", roles());
        return "console/users";
    }

    /** Creates a person with a generated password, shown once on the page that answers. */
    @PostMapping("/console/admin/users")
    public String create(@RequestParam String username, @RequestParam String role, Principal who, Model model) {
        Map<String, String> created = accounts.create(new UserController.NewUser(username, role), who);
        model.addAttribute("created", created.get("username"));
        model.addAttribute("password", created.get("password"));
        return users(model);
    }

    /** Changes a person's role or whether they may sign in; a refusal (their own account, the last administrator) comes back on the page. */
    @PostMapping("/console/admin/users/{username}")
    public String changeUser(@PathVariable String username, @RequestParam String role, @RequestParam(required = false) String enabled,
                             Principal who, RedirectAttributes flash) {
        String name = Params.token("username", username);
        try {
            Map<String, Object> after = accounts.change(name, new UserController.Change(role, enabled != null), who);
            flash.addFlashAttribute("info", name + " is now " + String.valueOf(after.get("role")).toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                    + ((Boolean) after.get("enabled") ? "" : ", disabled (signed out at their next request)") + ".");
        } catch (ApiException e) {
            if (e.status() == 404 || e.status() == 400) {
                throw e;
            }
            flash.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/console/admin/users";
    }

    @GetMapping("/console/admin/api-keys")
    public String apiKeys(Model model) {
        model.addAttribute("keys", keys.findAll(Sort.by(Sort.Direction.DESC, "id")));
        model.addAttribute("roles", roles());
        return "console/api-keys";
    }

    /** Issues a key for a role; the key itself is on the answering page only. */
    @PostMapping("/console/admin/api-keys")
    public String createKey(@RequestParam String label, @RequestParam String role, Principal who, Model model) {
        ApiKeyController.IssuedKey k = keyIssuer.create(new ApiKeyController.NewKey(Params.text("label", label, 200), role), who);
        model.addAttribute("issued", k);
        return apiKeys(model);
    }

    @PostMapping("/console/admin/api-keys/{id}/revoke")
    public String revokeKey(@PathVariable String id, Principal who, RedirectAttributes flash) {
        long n = Params.number("id", id, 1, Long.MAX_VALUE, 0);
        keyIssuer.revoke(n, who);
        flash.addFlashAttribute("info", "API key " + n + " is revoked: requests carrying it are refused from now on.");
        return "redirect:/console/admin/api-keys";
    }

    /** A token and what became of it: waiting, used (by which computer), expired or withdrawn. */
    public record TokenRow(long id, String label, String createdBy, Instant createdAt, Instant expiresAt, String state, String usedBy) {
    }

    @GetMapping("/console/admin/enrollment-tokens")
    public String enrollmentTokens(Model model) {
        Instant now = clock.instant();
        model.addAttribute("tokens", tokens.findAll(Sort.by(Sort.Direction.DESC, "id")).stream().map(t -> new TokenRow(t.id(), t.label(),
                t.createdBy(), t.createdAt(), t.expiresAt(), t.usedAt() != null ? "used" : t.expiresAt().isAfter(now) ? "waiting" : "expired",
                t.usedBy())).toList());
        return "console/enrollment-tokens";
    }

    /** Issues a one-time token that lives {@code hours} (1 to 720); shown once, with the command that enrols with it. */
    @PostMapping("/console/admin/enrollment-tokens")
    public String issueToken(@RequestParam(required = false) String label, @RequestParam(required = false) String hours, Principal who, Model model) {
        long h = Params.number("hours", hours, 1, 720, 24);
        Enrollment.IssuedToken t = enrollment.issue(who.getName(), Params.text("label", label, 200), Duration.ofHours(h));
        model.addAttribute("issued", t);
        model.addAttribute("managerUrl", org.springframework.web.servlet.support.ServletUriComponentsBuilder.fromCurrentContextPath().toUriString());
        return enrollmentTokens(model);
    }

    @PostMapping("/console/admin/enrollment-tokens/{id}/withdraw")
    public String withdrawToken(@PathVariable String id, Principal who, RedirectAttributes flash) {
        long n = Params.number("id", id, 1, Long.MAX_VALUE, 0);
        enrollment.withdraw(who.getName(), n);
        flash.addFlashAttribute("info", "Enrolment token " + n + " is withdrawn: nobody can enrol with it.");
        return "redirect:/console/admin/enrollment-tokens";
    }

    @GetMapping("/console/admin/syslog")
    public String syslog(Model model) {
        model.addAttribute("status", syslog.status());
        model.addAttribute("origin", syslogSettings.origin());
        return "console/syslog";
    }

    /** Saves a new destination (empty host: off); a refused field comes back on the page, the old destination stays in force. */
    @PostMapping("/console/admin/syslog")
    public String configureSyslog(@RequestParam(required = false) String host, @RequestParam(required = false) String port,
                                  @RequestParam(required = false) String tls, @RequestParam(required = false) String caFile, Principal who,
                                  RedirectAttributes flash) {
        try {
            SyslogForwarder.Destination d = syslogSettings.change(who.getName(), host, port, tls != null, caFile);
            flash.addFlashAttribute("info", d.enabled() ? "Events now go to " + d.host() + ":" + d.port() + (d.tls() ? " over TLS." : " over plain TCP.")
                    : "Syslog forwarding is off.");
        } catch (ApiException e) {
            flash.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/console/admin/syslog";
    }

    @PostMapping("/console/admin/syslog/test")
    public String testSyslog(Principal who, RedirectAttributes flash) {
        if (syslog.sendTest(who.getName())) {
            flash.addFlashAttribute("info", "A test message is on its way; the counts below show when it is sent.");
        } else {
            flash.addFlashAttribute("problem", "Nothing sent: forwarding is off, or its queue is full.");
        }
        return "redirect:/console/admin/syslog";
    }
}
