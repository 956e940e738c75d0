package dev.bulwark.manager.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates people's scripts by the {@value #HEADER} header: a known, unrevoked key gets its
 * role. A browser never sends this header on its own, so requests carrying it need no CSRF token.
 */
public final class ApiKeyFilter extends OncePerRequestFilter {
    public static final String HEADER = "X-Bulwark-Api-Key";

    private final ApiKeyRepository keys;

    public ApiKeyFilter(ApiKeyRepository keys) {
        this.keys = keys;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // the agent protocol never takes API keys: AgentSignatureFilter refuses them there
        return request.getHeader(HEADER) == null || request.getRequestURI().startsWith("/api/agent/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
        String key = request.getHeader(HEADER);
        ApiKey k = key.length() > 200 ? null : keys.findByKeyHash(Secrets.storedForm(key)).filter(x -> !x.revoked()).orElse(null);
        if (k == null) {
            AgentSignatureFilter.refuse(response, 401, "bad-api-key", "this API key is not known or was revoked");
            return;
        }
        var auth = new UsernamePasswordAuthenticationToken("apikey:" + k.prefix() + "(" + k.label() + ")", null,
                List.of(new SimpleGrantedAuthority(k.role().authority())));
        SecurityContextHolder.getContext().setAuthentication(auth);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
