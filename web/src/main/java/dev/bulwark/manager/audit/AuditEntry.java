package dev.bulwark.manager.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One audit record. Never updated: the table is append-only and chained by {@link #hash}. */
@Entity
@Table(name = "audit_entry")
public class AuditEntry {
    @Id
    private long seq;
    @Column(nullable = false)
    private Instant at;
    @Column(nullable = false)
    private String actor;
    @Column(nullable = false)
    private String action;
    @Column(nullable = false)
    private String target;
    @Column(name = "before_state")
    private String before;
    @Column(name = "after_state")
    private String after;
    @Column(name = "prev_hash", nullable = false)
    private String prevHash;
    @Column(nullable = false)
    private String hash;

    protected AuditEntry() {
    }

    AuditEntry(long seq, Instant at, String actor, String action, String target, String before, String after, String prevHash, String hash) {
        this.seq = seq;
        this.at = at;
        this.actor = actor;
        this.action = action;
        this.target = target;
        this.before = before;
        this.after = after;
        this.prevHash = prevHash;
        this.hash = hash;
    }

    public long seq() {
        return seq;
    }

    public Instant at() {
        return at;
    }

    public String actor() {
        return actor;
    }

    public String action() {
        return action;
    }

    public String target() {
        return target;
    }

    public String before() {
        return before;
    }

    public String after() {
        return after;
    }

    public String prevHash() {
        return prevHash;
    }

    public String hash() {
        return hash;
    }
}
