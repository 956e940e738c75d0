package dev.bulwark.manager.security;

import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.audit.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.util.Map;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Password login for people (the console): {@code POST /api/session} with the CSRF token from
 * {@code GET /api/session/csrf}; on success a session cookie (HttpOnly, SameSite=Lax) carries the
 * user's role, and every later change still needs the CSRF token. Throttled by {@link LoginThrottle}
 * before the password is checked; every success and failure is audited.
 */
@RestController
public class LoginController {
    private final AuthenticationManager authentication;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();

    public LoginController(AuthenticationManager authentication, LoginThrottle throttle, AuditLog audit, TransactionTemplate tx) {
        this.authentication = authentication;
        this.throttle = throttle;
        this.audit = audit;
        this.tx = tx;
    }

    public record Credentials(String username, String password) {
    }

    @GetMapping("/api/session/csrf")
    public Map<String, String> csrf(CsrfToken token) {
        return Map.of("header", token.getHeaderName(), "token", token.getToken());
    }

    @PostMapping("/api/session")
    public Map<String, Object> login(@RequestBody Credentials c, HttpServletRequest request, HttpServletResponse response) {
        String user = c.username() == null ? "" : c.username().strip();
        if (user.isEmpty() || user.length() > 100 || c.password() == null || c.password().length() > 1000) {
            throw ApiException.badRequest("bad-credentials", "username", "a user name and a password are required");
        }
        String address = request.getRemoteAddr();
        long wait = throttle.retryAfterMillis(user, address);
        if (wait > 0) {
            response.setHeader("Retry-After", Long.toString((wait + 999) / 1000));
            throw new ApiException(429, "too-many-attempts", null, "too many failed logins; try again in " + ((wait + 999) / 1000) + " s");
        }
        Authentication auth;
        try {
            auth = authentication.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(user, c.password()));
        } catch (AuthenticationException e) {
            throttle.failed(user, address);
            tx.executeWithoutResult(s -> audit.record("anonymous@" + address, "login.failed", "user/" + cut(user), null, null));
            throw new ApiException(401, "bad-credentials", null, "wrong user name or password");
        }
        throttle.succeeded(user);
        request.changeSessionId(); // no session fixation
        SecurityContext ctx = SecurityContextHolder.createEmptyContext();
        ctx.setAuthentication(auth);
        SecurityContextHolder.setContext(ctx);
        contexts.saveContext(ctx, request, response);
        tx.executeWithoutResult(s -> audit.record(auth.getName(), "login", "user/" + auth.getName(), null, "from " + address));
        return Map.of("user", auth.getName(), "roles", auth.getAuthorities().stream().map(Object::toString).toList());
    }

    @GetMapping("/api/session")
    public Map<String, Object> who(Principal p, Authentication auth) {
        return Map.of("user", p.getName(), "roles", auth.getAuthorities().stream().map(Object::toString).toList());
    }

    private static String cut(String s) {
        String t = s.replaceAll("[^\\x21-\\x7e]", "?");
        return t.length() > 100 ? t.substring(0, 100) : t;
    }
}
