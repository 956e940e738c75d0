package dev.bulwark.manager.agents;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An enrolled agent: its identity (public key) and what its last heartbeat said. */
@Entity
@Table(name = "agent")
public class Agent {
    @Id
    private String id;
    @Column(nullable = false)
    private String hostname;
    @Column(name = "public_key", nullable = false)
    private String publicKey;
    @Column(name = "key_id", nullable = false)
    private String keyId;
    private String os;
    @Column(name = "agent_version")
    private String agentVersion;
    @Column(name = "enrolled_at", nullable = false)
    private Instant enrolledAt;
    @Column(nullable = false)
    private boolean active;
    @Column(name = "last_heartbeat")
    private Instant lastHeartbeat;
    private String status;
    private String modules;
    @Column(name = "bundle_version", nullable = false)
    private long bundleVersion;
    private String counters;
    @Column(name = "heartbeat_missed", nullable = false)
    private boolean heartbeatMissed;
    @Column(name = "heartbeat_due")
    private Instant heartbeatDue;
    @Column(name = "policy_id")
    private Long policyId;
    @Column(nullable = false)
    private String overrides = "{}";
    @Column(name = "settings_revision", nullable = false)
    private long settingsRevision = 1;

    protected Agent() {
    }

    Agent(String id, String hostname, String publicKey, String keyId, String os, String agentVersion, Instant enrolledAt) {
        this.id = id;
        this.hostname = hostname;
        this.publicKey = publicKey;
        this.keyId = keyId;
        this.os = os;
        this.agentVersion = agentVersion;
        this.enrolledAt = enrolledAt;
        this.active = true;
    }

    void heartbeat(Instant at, Instant due, String status, String modules, long bundleVersion, String counters) {
        this.lastHeartbeat = at;
        this.heartbeatDue = due;
        this.status = status;
        this.modules = modules;
        this.bundleVersion = bundleVersion;
        this.counters = counters;
        this.heartbeatMissed = false;
    }

    /** Puts the computer under another policy; {@code revision} must be newer than any it had. */
    public void assignPolicy(Long policyId, long revision) {
        this.policyId = policyId;
        this.settingsRevision = revision;
    }

    /** Replaces the computer's own overrides (JSON object). */
    public void override(String overridesJson, long revision) {
        this.overrides = overridesJson;
        this.settingsRevision = revision;
    }

    public Long policyId() {
        return policyId;
    }

    public String overrides() {
        return overrides;
    }

    public long settingsRevision() {
        return settingsRevision;
    }

    void markMissed() {
        this.heartbeatMissed = true;
    }

    void deactivate() {
        this.active = false;
    }

    public String id() {
        return id;
    }

    public String hostname() {
        return hostname;
    }

    public String publicKey() {
        return publicKey;
    }

    public String keyId() {
        return keyId;
    }

    public String os() {
        return os;
    }

    public String agentVersion() {
        return agentVersion;
    }

    public Instant enrolledAt() {
        return enrolledAt;
    }

    public boolean active() {
        return active;
    }

    public Instant lastHeartbeat() {
        return lastHeartbeat;
    }

    public String status() {
        return status;
    }

    public String modules() {
        return modules;
    }

    public long bundleVersion() {
        return bundleVersion;
    }

    public String counters() {
        return counters;
    }

    public Instant heartbeatDue() {
        return heartbeatDue;
    }

    public boolean heartbeatMissed() {
        return heartbeatMissed;
    }
}
