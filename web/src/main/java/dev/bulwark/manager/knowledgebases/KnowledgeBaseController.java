package dev.bulwark.manager.knowledgebases;

import java.security.Principal;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Knowledge-base versions: list (everyone), publish (admins and rule authors), roll back (admins). */
@RestController
public class KnowledgeBaseController {
    private final KnowledgeBases kbs;

    public KnowledgeBaseController(KnowledgeBases kbs) {
        this.kbs = kbs;
    }

    public record KnowledgeBaseView(long version, java.time.Instant createdAt, String createdBy, int ruleCount, String sha256, String origin) {
        static KnowledgeBaseView of(KnowledgeBaseRecord r) {
            return new KnowledgeBaseView(r.version(), r.createdAt(), r.createdBy(), r.ruleCount(), r.sha256(), r.origin());
        }
    }

    @GetMapping("/api/knowledge-bases")
    public List<KnowledgeBaseView> list() {
        return kbs.all().stream().map(KnowledgeBaseView::of).toList();
    }

    @PostMapping("/api/knowledge-bases")
    @PreAuthorize("hasAnyRole('ADMIN', 'RULE_AUTHOR')")
    public KnowledgeBaseView publish(Principal who) {
        return KnowledgeBaseView.of(kbs.publish(who.getName()));
    }

    @PostMapping("/api/knowledge-bases/{version}/rollback")
    @PreAuthorize("hasRole('ADMIN')")
    public KnowledgeBaseView rollback(@PathVariable long version, Principal who) {
        return KnowledgeBaseView.of(kbs.rollback(who.getName(), version));
    }
}
