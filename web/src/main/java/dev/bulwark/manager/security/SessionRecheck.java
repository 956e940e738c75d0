package dev.bulwark.manager.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends a person's signed-in session as soon as an administrator disables them, removes them or
 * changes their role: every request that rides on a session looks the person up again (one lookup
 * by primary key) and, when they are gone, disabled or hold another role than the session says,
 * the session is invalidated and the request goes on unauthenticated (the console sends them to sign
 * in, the API answers 401). API keys and agents carry no session and are not concerned.
 */
public final class SessionRecheck extends OncePerRequestFilter {
    private final AppUserRepository users;

    public SessionRecheck(AppUserRepository users) {
        this.users = users;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
        HttpSession session = request.getSession(false);
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (session != null && auth != null && auth.isAuthenticated()
                && session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY) instanceof SecurityContext stored
                && stored.getAuthentication() == auth && !stillValid(auth)) {
            session.invalidate();
            SecurityContextHolder.clearContext();
        }
        chain.doFilter(request, response);
    }

    private boolean stillValid(Authentication auth) {
        Optional<AppUser> u = users.findById(auth.getName());
        return u.isPresent() && u.get().enabled()
                && auth.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_" + u.get().role().name()));
    }
}
