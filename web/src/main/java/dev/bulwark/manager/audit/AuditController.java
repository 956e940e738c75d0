package dev.bulwark.manager.audit;

import java.time.Instant;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit log for admins and auditors: newest entries, and a verification of the whole chain. */
@RestController
@PreAuthorize("hasAnyRole('ADMIN', 'AUDITOR')")
public class AuditController {
    private final AuditLog audit;

    public AuditController(AuditLog audit) {
        this.audit = audit;
    }

    public record EntryView(long seq, Instant at, String actor, String action, String target, String before, String after, String hash) {
    }

    @GetMapping("/api/audit")
    public List<EntryView> newest(@RequestParam(defaultValue = "100") int limit) {
        return audit.newest(limit).stream()
                .map(e -> new EntryView(e.seq(), e.at(), e.actor(), e.action(), e.target(), e.before(), e.after(), e.hash())).toList();
    }

    @GetMapping("/api/audit/verify")
    public AuditLog.Verification verify() {
        return audit.verify();
    }
}
