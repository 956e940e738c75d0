package dev.bulwark.manager.agents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.agent.protocol.Messages.EnrollRequest;
import dev.bulwark.agent.protocol.Messages.EnrollResponse;
import dev.bulwark.agent.protocol.Messages.Heartbeat;
import dev.bulwark.agent.protocol.SignedPolicy;
import dev.bulwark.agent.protocol.SignedPolicy.EffectivePolicy;
import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.knowledgebases.KnowledgeBases;
import dev.bulwark.manager.policies.PolicyTree;
import dev.bulwark.manager.reputation.FileReputation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import dev.bulwark.manager.events.EventStore;
import dev.bulwark.manager.security.AgentPrincipal;
import dev.bulwark.manager.security.BodyLimit;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The agent protocol: {@code POST /api/agent/enroll} (token), and, signed by the agent,
 * {@code /api/agent/heartbeat} and {@code /api/agent/events}. Bodies are read here with the
 * protocol's own JSON mapper, bounded and strict (unknown fields refused), so a malformed message
 * gets an error that names what is wrong.
 */
@RestController
@RequestMapping(path = "/api/agent", produces = MediaType.APPLICATION_JSON_VALUE)
public class AgentProtocolController {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final Enrollment enrollment;
    private final Heartbeats heartbeats;
    private final EventStore events;
    private final PolicyTree policies;
    private final KnowledgeBases knowledgeBases;
    private final AgentCommands commands;
    private final FileReputation reputation;
    private final Path bundleKey;

    public AgentProtocolController(Enrollment enrollment, Heartbeats heartbeats, EventStore events, PolicyTree policies,
                                   KnowledgeBases knowledgeBases, AgentCommands commands, FileReputation reputation,
                                   @Value("${bulwark.data-dir}") Path dataDir) {
        this.commands = commands;
        this.reputation = reputation;
        this.enrollment = enrollment;
        this.heartbeats = heartbeats;
        this.events = events;
        this.policies = policies;
        this.knowledgeBases = knowledgeBases;
        this.bundleKey = dataDir.resolve("keys/bundle-signing.pub");
    }

    @PostMapping("/enroll")
    public ResponseEntity<String> enroll(HttpServletRequest request) throws IOException {
        EnrollRequest req = parse(BodyLimit.read(request), EnrollRequest.class);
        if (!Files.exists(bundleKey)) {
            throw new ApiException(503, "no-signing-key", null, "the manager has no bundle-signing key yet; run 'bulwark-manager keygen' on it");
        }
        Agent a = enrollment.enroll(req);
        int interval = heartbeats.interval(Integer.parseInt(policies.effective(a.id()).settings().get("heartbeat.seconds")));
        return json(new EnrollResponse(a.id(), Files.readString(bundleKey), interval));
    }

    @PostMapping("/heartbeat")
    public ResponseEntity<String> heartbeat(@AuthenticationPrincipal AgentPrincipal agent, HttpServletRequest request) {
        Heartbeat hb = parse(BodyLimit.signedBody(request), Heartbeat.class);
        EffectivePolicy p = policies.effective(agent.agentId());
        long bundle = knowledgeBases.resolve(p.settings().get("knowledgeBase.version"));
        int interval = heartbeats.interval(Integer.parseInt(p.settings().get("heartbeat.seconds")));
        var answer = heartbeats.record(agent.agentId(), hb, bundle, p.revision(), interval);
        return json(new dev.bulwark.agent.protocol.Messages.HeartbeatResponse(commands.deliver(agent.agentId()), answer.bundleVersion(),
                answer.policyRevision(), answer.heartbeatSeconds()));
    }

    /** The agent reports how a command ended: {@code {"outcome": "done|failed|unsupported", "message": ...}}. */
    @PostMapping("/commands/{id}/result")
    public ResponseEntity<String> commandResult(@AuthenticationPrincipal AgentPrincipal agent, @PathVariable long id, HttpServletRequest request) {
        CommandResult r = parse(BodyLimit.signedBody(request), CommandResult.class);
        commands.finish(agent.agentId(), id, r.outcome(), r.message());
        return json(java.util.Map.of("id", id, "outcome", r.outcome()));
    }

    /** File-reputation lookups: {@code {"sha256": [...]}} (up to 1,000) answered in order. */
    @PostMapping("/reputation")
    public ResponseEntity<String> reputation(@AuthenticationPrincipal AgentPrincipal agent, HttpServletRequest request) {
        ReputationQuery q = parse(BodyLimit.signedBody(request), ReputationQuery.class);
        return json(java.util.Map.of("results", reputation.lookup(q.sha256())));
    }

    /** An agent's reputation question. */
    public record ReputationQuery(java.util.List<String> sha256) {
    }

    /** An agent's report on a command. */
    public record CommandResult(String outcome, String message) {
    }

    /** The agent's effective policy, signed with the manager's bundle-signing key (the agent checks it against its pinned key). */
    @GetMapping("/policy")
    public ResponseEntity<String> policy(@AuthenticationPrincipal AgentPrincipal agent) throws IOException {
        EffectivePolicy p = policies.effective(agent.agentId());
        return json(SignedPolicy.sign(p, SigningKeys.readPair(knowledgeBases.publisher().signingKey())));
    }

    /** A published bundle; the agent verifies it against its pinned key and refuses anything not newer than what it runs. */
    @GetMapping(path = "/bundles/{version}", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    public ResponseEntity<byte[]> bundle(@AuthenticationPrincipal AgentPrincipal agent, @PathVariable long version) throws IOException {
        byte[] b = knowledgeBases.bundle(version)
                .orElseThrow(() -> new ApiException(404, "no-such-bundle", "version", "no published knowledge base " + version));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(b);
    }

    @PostMapping("/events")
    public ResponseEntity<String> events(@AuthenticationPrincipal AgentPrincipal agent, HttpServletRequest request) {
        return json(events.ingest(agent.agentId(), BodyLimit.signedBody(request)));
    }

    static <T> T parse(byte[] body, Class<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? null : e.getPathReference().replaceAll("^[^\\[]*\\[\"?", "").replaceAll("\"?\\]$", "");
            throw ApiException.badRequest("bad-message", field, "not a valid " + type.getSimpleName() + ": " + ApiException.firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ApiException.badRequest("bad-json", null, "the body is not valid JSON: " + ApiException.firstLine(e.getMessage()));
        }
    }

    private static ResponseEntity<String> json(Object o) {
        try {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(JSON.writeValueAsString(o));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
