package dev.bulwark.agent.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** The messages of the agent–manager protocol, as JSON bodies over HTTP. */
public final class Messages {
    private Messages() {
    }

    /**
     * First call of a new agent: the one-time enrolment token and the public half of the key pair the
     * agent made for itself (X.509 PEM, Ed25519). The private half never leaves the agent.
     */
    public record EnrollRequest(String token, String hostname, String publicKeyPem, String agentVersion, String os) {
    }

    /** The manager's answer: the agent's id (every later call is signed under it) and the manager's bundle-signing key. */
    public record EnrollResponse(String agentId, String bundleSigningKeyPem, int heartbeatSeconds) {
    }

    /** Periodic status: what runs, which bundle, counters (events spooled, sent, dropped...). */
    public record Heartbeat(String status, List<String> modules, long bundleVersion, Map<String, Long> counters) {
    }

    /**
     * The manager's answer to a heartbeat: commands waiting for this agent, the knowledge-base version
     * its policy asks for (0: none published yet), the revision of its effective policy (fetch it when
     * it differs from the running one), and the heartbeat interval.
     */
    public record HeartbeatResponse(List<Command> commands, long bundleVersion, long policyRevision, int heartbeatSeconds) {
    }

    /** Something the manager asks an agent to do (scan now, rebuild a baseline, ...), acknowledged by id. */
    public record Command(long id, String kind, Map<String, String> arguments) {
    }

    /**
     * One spooled event: the agent's own sequence number (strictly increasing per agent, gaps allowed
     * where the spool dropped events), when it happened (ISO-8601 UTC), its severity, and the result as the agent
     * reports it (the shape of {@code ResultJson}).
     */
    public record SpooledEvent(long seq, String time, String severity, ObjectNode event) {
    }

    /**
     * A batch of events of one stream (the spool of one module: {@code logs}, {@code integrity}, ...),
     * oldest first. The manager keys events by (agent, stream, seq), so a retry stores nothing twice.
     */
    public record EventBatch(String stream, List<SpooledEvent> events) {
    }

    /**
     * The manager's receipt: everything up to {@code ackedThrough} is stored (or was already); the
     * agent may forget it. {@code duplicates} counts events the manager had from an earlier try.
     */
    public record EventAck(long ackedThrough, int stored, int duplicates) {
    }

    /** A refusal: a stable code, what was wrong and where (the JSON field), and what to do. */
    public record ProtocolError(String code, String message, String field) {
    }
}
