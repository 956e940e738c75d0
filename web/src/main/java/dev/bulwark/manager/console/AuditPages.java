package dev.bulwark.manager.console;

import dev.bulwark.manager.audit.AuditEntryRepository;
import dev.bulwark.manager.audit.AuditLog;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/** The audit log, newest first, with a check of its hash chain and its export. For administrators and auditors. */
@Controller
@PreAuthorize("hasAnyRole('ADMIN', 'AUDITOR')")
public class AuditPages {
    static final int PAGE = 50;

    private final AuditEntryRepository entries;
    private final AuditLog audit;

    public AuditPages(AuditEntryRepository entries, AuditLog audit) {
        this.entries = entries;
        this.audit = audit;
    }

    @GetMapping("/console/audit")
    public String list(@RequestParam(required = false) String page, Model model) {
        int p = (int) Params.number("page", page, 0, 10_000_000, 0);
        var slice = entries.findAll(PageRequest.of(p, PAGE, Sort.by(Sort.Direction.DESC, "seq")));
        model.addAttribute("entries", slice.getContent());
        model.addAttribute("page", p);
        model.addAttribute("pages", Math.max(1, slice.getTotalPages()));
        model.addAttribute("total", slice.getTotalElements());
        return "console/audit";
    }

    /** The chain check; a fragment for htmx, or a whole page without it. */
    @GetMapping("/console/audit/verify")
    public String verify(Model model,
                         @RequestHeader(value = "HX-Request", required = false) String htmx) {
        model.addAttribute("verification", audit.verify());
        return htmx != null ? "console/audit :: verification" : "console/audit-verify";
    }
}
