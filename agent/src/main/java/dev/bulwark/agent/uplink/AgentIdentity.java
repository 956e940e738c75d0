package dev.bulwark.agent.uplink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.agent.store.AtomicFiles;
import dev.bulwark.engine.bundle.SigningKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Optional;

/**
 * Who this agent is to its manager, kept in the state folder:
 * <pre>
 *   identity/agent.key    the agent's Ed25519 private key (0600); never leaves the machine
 *   identity/agent.pub    its public half, given to the manager at enrolment
 *   identity/agent.json   {"agentId": ..., "manager": "https://..."} once enrolment succeeded
 *   identity/manager-ca.pem  the only CA trusted for the manager, when enrolled with --ca
 * </pre>
 */
public record AgentIdentity(String agentId, URI manager, KeyPair keys, Path state) {

    public AgentIdentity(String agentId, URI manager, KeyPair keys) {
        this(agentId, manager, keys, null);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static Path dir(Path state) {
        return state.resolve("identity");
    }

    /** The manager's CA certificate the agent was enrolled with ({@code enroll --ca}); null when none is kept. */
    static Path caFile(Path state) {
        return state == null ? null : dir(state).resolve("manager-ca.pem");
    }

    /** The agent's key pair, made on first use (a half-finished enrolment keeps and reuses it). */
    static KeyPair keyPair(Path state) throws IOException {
        Path key = dir(state).resolve("agent.key");
        if (Files.exists(key)) {
            return SigningKeys.readPair(key);
        }
        return SigningKeys.generateInto(dir(state), "agent");
    }

    /** The enrolled identity, if this agent has one. */
    public static Optional<AgentIdentity> load(Path state) throws IOException {
        Path f = dir(state).resolve("agent.json");
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        JsonNode n = JSON.readTree(f.toFile());
        String id = n.path("agentId").asText("");
        String url = n.path("manager").asText("");
        if (id.isEmpty() || url.isEmpty()) {
            throw new IOException(f + " is incomplete; enrol again with 'bulwark-agent enroll --force URL TOKEN'");
        }
        return Optional.of(new AgentIdentity(id, URI.create(url), keyPair(state), state));
    }

    static void save(Path state, String agentId, URI manager) throws IOException {
        AtomicFiles.write(dir(state).resolve("agent.json"),
                JSON.writeValueAsBytes(JSON.createObjectNode().put("agentId", agentId).put("manager", manager.toString())));
    }

    /** Moves an old identity aside (for {@code enroll --force}); the old agent record stays on the manager until deactivated. */
    static Path retire(Path state) throws IOException {
        Path d = dir(state);
        if (!Files.exists(d)) {
            return null;
        }
        Path to = state.resolve("identity.retired-" + System.currentTimeMillis());
        Files.move(d, to);
        return to;
    }

    static void restore(Path state, Path retired) throws IOException {
        Path d = dir(state);
        if (Files.exists(d)) {
            // a half-made new identity (its key pair) goes aside too
            Files.move(d, state.resolve("identity.failed-" + System.currentTimeMillis()));
        }
        Files.move(retired, d);
    }
}
