package dev.bulwark.manager.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.agent.protocol.Messages.ProtocolError;
import dev.bulwark.agent.protocol.RequestSignature;
import dev.bulwark.manager.agents.AgentDirectory;
import dev.bulwark.manager.api.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates agent calls ({@code /api/agent/**} except enrolment) by their Ed25519 signature:
 * known and active agent, fresh time, unused nonce, and a signature over method, path, time, nonce
 * and the body's hash. Anything else is refused with 401 before a controller sees it.
 */
public final class AgentSignatureFilter extends OncePerRequestFilter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgentDirectory directory;
    private final Clock clock;

    public AgentSignatureFilter(AgentDirectory directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !path.startsWith("/api/agent/") || path.equals("/api/agent/enroll");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
        if (request.getHeader(ApiKeyFilter.HEADER) != null) {
            refuse(response, 403, "not-an-agent", "the agent protocol takes agent signatures, not API keys");
            return;
        }
        String agentId = request.getHeader(RequestSignature.AGENT);
        String time = request.getHeader(RequestSignature.TIME);
        String nonce = request.getHeader(RequestSignature.NONCE);
        String sig = request.getHeader(RequestSignature.SIGNATURE);
        if (agentId == null || time == null || nonce == null || sig == null) {
            refuse(response, 401, "unsigned", "agent calls carry " + RequestSignature.AGENT + ", " + RequestSignature.TIME + ", "
                    + RequestSignature.NONCE + " and " + RequestSignature.SIGNATURE + " headers");
            return;
        }
        long millis;
        try {
            millis = Long.parseLong(time);
        } catch (NumberFormatException e) {
            refuse(response, 401, "bad-time", RequestSignature.TIME + " must be epoch milliseconds");
            return;
        }
        if (!RequestSignature.fresh(millis, clock.instant())) {
            refuse(response, 401, "stale-request", "the request time is more than 5 minutes from the manager's clock; check the agent's time");
            return;
        }
        if (nonce.length() < 16 || nonce.length() > 64) {
            refuse(response, 401, "bad-nonce", "the nonce must have 16-64 characters");
            return;
        }
        Optional<PublicKey> key = directory.activeKey(agentId);
        if (key.isEmpty()) {
            refuse(response, 401, "unknown-agent", "no active agent with this id; it may have been deactivated: enrol again");
            return;
        }
        byte[] body;
        try {
            body = BodyLimit.read(request);
        } catch (ApiException e) {
            refuse(response, e.status(), e.code(), e.getMessage());
            return;
        }
        String path = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        byte[] canonical = RequestSignature.canonical(agentId, request.getMethod(), path, millis, nonce, body);
        if (!RequestSignature.verify(key.get(), canonical, sig)) {
            refuse(response, 401, "bad-signature", "the signature does not match this agent's key and request");
            return;
        }
        if (!directory.firstUse(agentId, nonce, millis)) {
            refuse(response, 401, "replayed", "this request was already received (same nonce); a replay is refused");
            return;
        }
        request.setAttribute(BodyLimit.SIGNED_BODY, body);
        var auth = new UsernamePasswordAuthenticationToken(new AgentPrincipal(agentId), null, List.of(new SimpleGrantedAuthority("ROLE_AGENT")));
        SecurityContextHolder.getContext().setAuthentication(auth);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    static void refuse(HttpServletResponse response, int status, String code, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getOutputStream().write(JSON.writeValueAsBytes(new ProtocolError(code, message, null)));
    }
}
