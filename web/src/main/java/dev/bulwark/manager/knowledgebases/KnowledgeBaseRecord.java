package dev.bulwark.manager.knowledgebases;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A published knowledge-base version: who made it, from what ({@code origin}), and the bundle's hash. */
@Entity
@Table(name = "knowledge_base")
public class KnowledgeBaseRecord {
    @Id
    private long version;
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;
    @Column(name = "created_by", nullable = false)
    private String createdBy;
    @Column(name = "rule_count", nullable = false)
    private int ruleCount;
    @Column(nullable = false)
    private String sha256;
    @Column(nullable = false)
    private String origin;

    protected KnowledgeBaseRecord() {
    }

    KnowledgeBaseRecord(long version, Instant createdAt, String createdBy, int ruleCount, String sha256, String origin) {
        this.version = version;
        this.createdAt = createdAt;
        this.createdBy = createdBy;
        this.ruleCount = ruleCount;
        this.sha256 = sha256;
        this.origin = origin;
    }

    public long version() {
        return version;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public String createdBy() {
        return createdBy;
    }

    public int ruleCount() {
        return ruleCount;
    }

    public String sha256() {
        return sha256;
    }

    public String origin() {
        return origin;
    }
}
