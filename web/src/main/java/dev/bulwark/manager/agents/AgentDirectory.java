package dev.bulwark.manager.agents;

import dev.bulwark.agent.protocol.ProtocolLimits;
import dev.bulwark.engine.bundle.SigningKeys;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Service;

/**
 * Looks up an active agent's public key (cached; dropped on deactivation) and remembers the nonces
 * of recent signed requests so that none can be replayed within the clock-skew window. The nonce
 * memory is per manager process and bounded; requests outside the window are refused by time.
 */
@Service
public class AgentDirectory {

    private static final int MAX_NONCES = 1_000_000;

    private final AgentRepository agents;
    private final Clock clock;
    private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();
    private final Map<String, Long> nonces = new ConcurrentHashMap<>();

    public AgentDirectory(AgentRepository agents, Clock clock) {
        this.agents = agents;
        this.clock = clock;
    }

    /** The key of an active agent; empty for unknown or deactivated agents. */
    public Optional<PublicKey> activeKey(String agentId) {
        if (agentId == null || agentId.length() > 64) {
            return Optional.empty();
        }
        PublicKey k = keys.get(agentId);
        if (k != null) {
            return Optional.of(k);
        }
        Optional<Agent> a = agents.findById(agentId).filter(Agent::active);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        try {
            PublicKey parsed = SigningKeys.parsePublic(a.get().publicKey(), "agent " + agentId);
            keys.put(agentId, parsed);
            return Optional.of(parsed);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** False if this agent used this nonce before (a replay) or the memory is full. */
    public boolean firstUse(String agentId, String nonce, long requestMillis) {
        long now = clock.millis();
        if (nonces.size() > MAX_NONCES) {
            long horizon = now - 2 * ProtocolLimits.CLOCK_SKEW.toMillis();
            for (Iterator<Map.Entry<String, Long>> it = nonces.entrySet().iterator(); it.hasNext(); ) {
                if (it.next().getValue() < horizon) {
                    it.remove();
                }
            }
            if (nonces.size() > MAX_NONCES) {
                return false;
            }
        }
        return nonces.putIfAbsent(agentId + ":" + nonce, now) == null;
    }

    void forget(String agentId) {
        keys.remove(agentId);
    }
}
