package dev.bulwark.manager.agents;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A one-time, expiring enrolment token; only its SHA-256 is stored. */
@Entity
@Table(name = "enrollment_token")
public class EnrollmentToken {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @Column(name = "token_hash", nullable = false, unique = true)
    private String tokenHash;
    @Column(nullable = false)
    private String label;
    @Column(name = "created_by", nullable = false)
    private String createdBy;
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;
    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;
    @Column(name = "used_at")
    private Instant usedAt;
    @Column(name = "used_by")
    private String usedBy;

    protected EnrollmentToken() {
    }

    EnrollmentToken(String tokenHash, String label, String createdBy, Instant createdAt, Instant expiresAt) {
        this.tokenHash = tokenHash;
        this.label = label;
        this.createdBy = createdBy;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
    }

    public Long id() {
        return id;
    }

    public String label() {
        return label;
    }

    public String createdBy() {
        return createdBy;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public Instant usedAt() {
        return usedAt;
    }

    public String usedBy() {
        return usedBy;
    }

    /** Ends the token's life now, unused. */
    void expire(Instant at) {
        this.expiresAt = at;
    }

    void use(Instant at, String agentId) {
        this.usedAt = at;
        this.usedBy = agentId;
    }
}
