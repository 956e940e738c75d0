package dev.bulwark.manager.agents;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** People's view of agents: list them, issue enrolment tokens, deactivate an agent. */
@RestController
public class AgentAdminController {
    private final AgentRepository agents;
    private final Enrollment enrollment;
    private final AgentCommands commands;
    private final EnrollmentTokenRepository tokens;

    public AgentAdminController(AgentRepository agents, Enrollment enrollment, AgentCommands commands, EnrollmentTokenRepository tokens) {
        this.agents = agents;
        this.enrollment = enrollment;
        this.commands = commands;
        this.tokens = tokens;
    }

    public record NewCommand(String kind, java.util.Map<String, String> arguments) {
    }

    /**
     * Queues a command for the agent's next heartbeat (scan-now, rebuild-baseline, recommendation-scan; approve and block, which
     * change what the computer lets run, only for admins, as in the console).
     */
    @PostMapping("/api/agents/{id}/commands")
    @PreAuthorize("hasAnyRole('ADMIN', 'ANALYST')")
    public AgentCommands.CommandView command(@PathVariable String id, @RequestBody NewCommand req,
                                             org.springframework.security.core.Authentication who) {
        if (AgentCommands.DECISIONS.contains(req.kind())
                && who.getAuthorities().stream().noneMatch(a -> "ROLE_ADMIN".equals(a.getAuthority()))) {
            throw new dev.bulwark.manager.api.ApiException(403, "forbidden", "kind", req.kind() + " changes what the computer may run: admins only");
        }
        return commands.queue(who.getName(), id, req.kind(), req.arguments());
    }

    @GetMapping("/api/agents/{id}/commands")
    public List<AgentCommands.CommandView> commands(@PathVariable String id) {
        return commands.forAgent(id);
    }

    public record AgentView(String id, String hostname, String keyId, String os, String agentVersion, Instant enrolledAt, boolean active,
                            Instant lastHeartbeat, boolean heartbeatMissed, String status, String modules, long bundleVersion, String counters) {
        static AgentView of(Agent a) {
            return new AgentView(a.id(), a.hostname(), a.keyId(), a.os(), a.agentVersion(), a.enrolledAt(), a.active(), a.lastHeartbeat(),
                    a.heartbeatMissed(), a.status(), a.modules(), a.bundleVersion(), a.counters());
        }
    }

    @GetMapping("/api/agents")
    public List<AgentView> list() {
        return agents.findAllByOrderByHostnameAsc().stream().map(AgentView::of).toList();
    }

    public record NewToken(String label, Long ttlSeconds) {
    }

    @PostMapping("/api/enrollment-tokens")
    @PreAuthorize("hasRole('ADMIN')")
    public Enrollment.IssuedToken issue(@RequestBody NewToken req, Principal who) {
        long ttl = req.ttlSeconds() == null ? 3600 : req.ttlSeconds();
        return enrollment.issue(who.getName(), req.label(), Duration.ofSeconds(ttl));
    }

    /** A token as listed: its label and fate, never the token. */
    public record TokenView(long id, String label, String createdBy, Instant createdAt, Instant expiresAt,
                            Instant usedAt, String usedBy) {
    }

    @GetMapping("/api/enrollment-tokens")
    @PreAuthorize("hasRole('ADMIN')")
    public List<TokenView> tokens() {
        return tokens.findAll(org.springframework.data.domain.Sort.by("id")).stream()
                .map(t -> new TokenView(t.id(), t.label(), t.createdBy(), t.createdAt(), t.expiresAt(), t.usedAt(), t.usedBy())).toList();
    }

    @PostMapping("/api/enrollment-tokens/{id}/withdraw")
    @PreAuthorize("hasRole('ADMIN')")
    public java.util.Map<String, Object> withdraw(@PathVariable long id, Principal who) {
        enrollment.withdraw(who.getName(), id);
        return java.util.Map.of("id", id, "withdrawn", true);
    }

    @PostMapping("/api/agents/{id}/deactivate")
    @PreAuthorize("hasRole('ADMIN')")
    public AgentView deactivate(@PathVariable String id, Principal who) {
        enrollment.deactivate(who.getName(), id);
        return AgentView.of(agents.findById(id).orElseThrow());
    }
}
