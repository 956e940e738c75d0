package dev.bulwark.manager.security;

/** An agent authenticated by its request signature; controllers take its id from here, never from the body. */
public record AgentPrincipal(String agentId) {
    @Override
    public String toString() {
        return "agent:" + agentId;
    }
}
