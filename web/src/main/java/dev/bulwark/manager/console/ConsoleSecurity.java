package dev.bulwark.manager.console;

import dev.bulwark.manager.audit.AuditLog;
import dev.bulwark.manager.security.AppUserRepository;
import dev.bulwark.manager.security.LoginThrottle;
import dev.bulwark.manager.security.SessionRecheck;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Access to the console's pages: a form login (throttled per user and address like the API's, each
 * attempt audited), a session cookie, CSRF tokens on every form, a strict content security policy
 * (scripts and styles only from this server, no inline script), and roles: every signed-in person
 * reads; administration pages are for admins; each change checks its own role in its controller.
 * It is ordered before the API's chain and only claims the console's paths.
 */
@Configuration
public class ConsoleSecurity {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    @Bean
    @Order(1)
    SecurityFilterChain console(HttpSecurity http, AuthenticationManager authentication, LoginThrottle throttle, AuditLog audit,
                                TransactionTemplate tx, AppUserRepository people) throws Exception {
        http.securityMatcher("/", "/login", "/logout", "/console", "/console/**", "/webjars/**");
        http.authenticationManager(authentication);
        http.authorizeHttpRequests(a -> a
                .requestMatchers("/login", "/webjars/**", "/console/assets/**").permitAll()
                .requestMatchers("/console/admin/**").hasRole("ADMIN")
                .anyRequest().hasAnyRole("ADMIN", "RULE_AUTHOR", "ANALYST", "AUDITOR"));
        http.formLogin(f -> f.loginPage("/login").loginProcessingUrl("/login")
                .successHandler((req, resp, auth) -> {
                    throttle.succeeded(auth.getName());
                    tx.executeWithoutResult(s -> audit.record(auth.getName(), "login", "user/" + auth.getName(), null,
                            "console, from " + req.getRemoteAddr()));
                    resp.sendRedirect(req.getContextPath() + "/console");
                })
                .failureHandler((req, resp, ex) -> {
                    String user = Params.printable(req.getParameter("username"), 100);
                    throttle.failed(user, req.getRemoteAddr());
                    tx.executeWithoutResult(s -> audit.record("anonymous@" + req.getRemoteAddr(), "login.failed", "user/" + user, null, "console"));
                    resp.sendRedirect(req.getContextPath() + "/login?failed");
                }));
        http.addFilterBefore(new ThrottleFilter(throttle), UsernamePasswordAuthenticationFilter.class);
        http.addFilterBefore(new SessionRecheck(people), AnonymousAuthenticationFilter.class);
        http.logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?signedOut"));
        http.sessionManagement(s -> s.sessionFixation(f -> f.changeSessionId()));
        http.headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(CSP))
                .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)));
        http.exceptionHandling(e -> e.accessDeniedPage("/console/forbidden"));
        return http.build();
    }

    /** Refuses a sign-in attempt while the user or the address is throttled, before the password is checked. */
    static final class ThrottleFilter extends OncePerRequestFilter {
        private final LoginThrottle throttle;

        ThrottleFilter(LoginThrottle throttle) {
            this.throttle = throttle;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest req, HttpServletResponse resp, FilterChain chain) throws ServletException, IOException {
            if ("POST".equals(req.getMethod()) && "/login".equals(req.getServletPath())) {
                long wait = throttle.retryAfterMillis(Params.printable(req.getParameter("username"), 100), req.getRemoteAddr());
                if (wait > 0) {
                    resp.sendRedirect(req.getContextPath() + "/login?throttled=" + ((wait + 999) / 1000));
                    return;
                }
            }
            chain.doFilter(req, resp);
        }
    }
}
