package dev.bulwark.agent.uplink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.protocol.Messages.Command;
import dev.bulwark.agent.protocol.Messages.HeartbeatResponse;
import dev.bulwark.agent.protocol.SignedPolicy;
import dev.bulwark.agent.protocol.SignedPolicy.EffectivePolicy;
import dev.bulwark.agent.spool.EventSpool;
import dev.bulwark.agent.store.AgentStateStore;
import dev.bulwark.agent.store.AtomicFiles;
import dev.bulwark.engine.bundle.BundleRejectedException;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the manager wants this agent to run, kept in step after each heartbeat: the effective
 * policy ({@code policy/current.json}, signed by the manager; refused unless it verifies against
 * the pinned key, names this agent and is not older) and the knowledge base (installed through
 * {@link AgentStateStore#install}, which verifies and refuses rollbacks). A refusal is reported as
 * a {@code policy-refused} or {@code bundle-refused} event and that version is not fetched again.
 */
public final class ManagedState {

    /** Told when something the modules depend on changed, and asked to carry out commands. */
    public interface Listener {
        void policyChanged(EffectivePolicy policy);

        void knowledgeBaseChanged(LoadedKnowledgeBase kb);

        /** Carries out a command from the manager; the outcome goes back to it. */
        default Outcome execute(Command command) {
            return new Outcome("unsupported", "this agent does not carry out '" + command.kind() + "'");
        }
    }

    /** How a command ended: {@code done}, {@code failed} or {@code unsupported}. */
    public record Outcome(String outcome, String message) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgentStateStore store;
    private final String agentId;
    private final EventSpool agentEvents;
    private final Listener listener;
    private final Set<Long> refusedBundles = new HashSet<>();
    private long refusedPolicyRevision = -1;
    private EffectivePolicy policy;

    public ManagedState(AgentStateStore store, String agentId, EventSpool agentEvents, Listener listener) throws IOException {
        this.store = store;
        this.agentId = agentId;
        this.agentEvents = agentEvents;
        this.listener = listener;
        EffectivePolicy stored = null;
        try {
            stored = loadPolicy().orElse(null);
        } catch (IOException e) {
            // an edited or damaged file: run on defaults until the manager's next policy arrives
            System.err.println("the stored policy " + policyFile() + " was refused (" + e.getMessage() + "); waiting for the manager's");
        }
        this.policy = stored;
    }

    private Path policyFile() {
        return store.root().resolve("policy/current.json");
    }

    /** The stored policy, checked again (the file may have been edited since). */
    private Optional<EffectivePolicy> loadPolicy() throws IOException {
        if (!Files.exists(policyFile())) {
            return Optional.empty();
        }
        SignedPolicy.Envelope env = JSON.readValue(policyFile().toFile(), SignedPolicy.Envelope.class);
        return Optional.of(SignedPolicy.open(env, pinned(), agentId, 0));
    }

    private PublicKey pinned() throws IOException {
        return store.pinnedKey().orElseThrow(() -> new IOException("no pinned manager key in " + store.root() + "; enrol first"));
    }

    public Optional<EffectivePolicy> policy() {
        return Optional.ofNullable(policy);
    }

    public long policyRevision() {
        return policy == null ? 0 : policy.revision();
    }

    /** Fetches what the heartbeat answer says is newer, then carries out its commands and reports each. */
    public void sync(HeartbeatResponse r, ManagerClient client) throws IOException {
        syncPolicyAndBundle(r, client);
        for (Command c : r.commands() == null ? List.<Command>of() : r.commands()) {
            Outcome o;
            try {
                o = listener.execute(c);
            } catch (RuntimeException e) {
                o = new Outcome("failed", c.kind() + " failed: " + e);
            }
            client.reportCommand(c.id(), o.outcome(), o.message());
        }
    }

    private void syncPolicyAndBundle(HeartbeatResponse r, ManagerClient client) throws IOException {
        if (r.policyRevision() > 0 && r.policyRevision() != policyRevision() && r.policyRevision() != refusedPolicyRevision) {
            SignedPolicy.Envelope env = JSON.readValue(client.download("/api/agent/policy"), SignedPolicy.Envelope.class);
            try {
                EffectivePolicy p = SignedPolicy.open(env, pinned(), agentId, policyRevision());
                AtomicFiles.write(policyFile(), JSON.writeValueAsBytes(env));
                policy = p;
                listener.policyChanged(p);
            } catch (IOException e) {
                refusedPolicyRevision = r.policyRevision();
                report("policy-refused", "the manager's policy revision " + r.policyRevision() + " was refused: " + e.getMessage());
            }
        }
        long running = store.runningVersion();
        if (r.bundleVersion() > running && !refusedBundles.contains(r.bundleVersion())) {
            byte[] bytes = client.download("/api/agent/bundles/" + r.bundleVersion());
            try {
                LoadedKnowledgeBase kb = store.install(bytes);
                listener.knowledgeBaseChanged(kb);
            } catch (BundleRejectedException e) {
                refusedBundles.add(r.bundleVersion());
                report("bundle-refused", "knowledge base " + r.bundleVersion() + " was refused (" + e.reason() + "): " + e.getMessage()
                        + "; the agent keeps running version " + running);
            }
        }
    }

    private void report(String kind, String message) throws IOException {
        ObjectNode e = JSON.createObjectNode().put("kind", kind).put("module", "agent").put("severity", "high").put("message", message);
        agentEvents.appendCommitted(List.of(e));
    }
}
