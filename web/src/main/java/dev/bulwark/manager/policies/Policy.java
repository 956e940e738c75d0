package dev.bulwark.manager.policies;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A node of the policy tree; {@code settings} holds only what this node sets itself (JSON object). */
@Entity
@Table(name = "policy")
public class Policy {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @Column(nullable = false, unique = true)
    private String name;
    @Column(name = "parent_id")
    private Long parentId;
    @Column(nullable = false)
    private String description;
    @Column(nullable = false)
    private String settings;
    @Column(nullable = false)
    private long revision;
    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected Policy() {
    }

    Policy(String name, Long parentId, String description, String settings, long revision, Instant at) {
        this.name = name;
        this.parentId = parentId;
        this.description = description;
        this.settings = settings;
        this.revision = revision;
        this.updatedAt = at;
    }

    void change(String settings, long revision, Instant at) {
        this.settings = settings;
        this.revision = revision;
        this.updatedAt = at;
    }

    void moveUnder(Long parentId, long revision, Instant at) {
        this.parentId = parentId;
        this.revision = revision;
        this.updatedAt = at;
    }

    public Long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public Long parentId() {
        return parentId;
    }

    public String description() {
        return description;
    }

    public String settings() {
        return settings;
    }

    public long revision() {
        return revision;
    }

    public Instant updatedAt() {
        return updatedAt;
    }
}
