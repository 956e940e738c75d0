package dev.bulwark.manager.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * An API key bound to a role. Only the SHA-256 of the key is stored (a key is 32 random bytes, so
 * a fast hash is enough); its first characters ({@code prefix}) name it in lists and the audit log.
 */
@Entity
@Table(name = "api_key")
public class ApiKey {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @Column(name = "key_hash", nullable = false, unique = true)
    private String keyHash;
    @Column(nullable = false)
    private String prefix;
    @Column(nullable = false)
    private String label;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Role role;
    @Column(name = "created_by", nullable = false)
    private String createdBy;
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;
    @Column(name = "revoked_at")
    private Instant revokedAt;

    protected ApiKey() {
    }

    public ApiKey(String keyHash, String prefix, String label, Role role, String createdBy, Instant createdAt) {
        this.keyHash = keyHash;
        this.prefix = prefix;
        this.label = label;
        this.role = role;
        this.createdBy = createdBy;
        this.createdAt = createdAt;
    }

    public Long id() {
        return id;
    }

    public String prefix() {
        return prefix;
    }

    public String label() {
        return label;
    }

    public Role role() {
        return role;
    }

    public String createdBy() {
        return createdBy;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant revokedAt() {
        return revokedAt;
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    public void revoke(Instant at) {
        revokedAt = at;
    }
}
