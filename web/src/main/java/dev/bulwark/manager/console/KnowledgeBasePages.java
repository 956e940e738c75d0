package dev.bulwark.manager.console;

import dev.bulwark.manager.agents.AgentRepository;
import dev.bulwark.manager.knowledgebases.KnowledgeBaseRecord;
import dev.bulwark.manager.knowledgebases.KnowledgeBases;
import java.security.Principal;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;

/**
 * Knowledge bases: every published version, which version the computers run, and publishing the
 * current rules as a new signed version (refusals listed problem by problem, with file and line).
 */
@Controller
public class KnowledgeBasePages {
    private final KnowledgeBases kbs;
    private final ConsoleCatalog catalog;
    private final AgentRepository agents;

    public KnowledgeBasePages(KnowledgeBases kbs, ConsoleCatalog catalog, AgentRepository agents) {
        this.kbs = kbs;
        this.catalog = catalog;
        this.agents = agents;
    }

    @GetMapping("/console/knowledge-bases")
    public String list(Model model) {
        fill(model);
        return "console/knowledge-bases";
    }

    private void fill(Model model) {
        Map<Long, Long> running = new TreeMap<>();
        agents.findAll().forEach(a -> running.merge(a.bundleVersion(), 1L, Long::sum));
        model.addAttribute("versions", kbs.all());
        model.addAttribute("running", running);
        model.addAttribute("sources", kbs.ruleSources());
    }

    /** Publishes; with htmx only the result panel is replaced (the button shows progress meanwhile). */
    @PostMapping("/console/knowledge-bases")
    @PreAuthorize("hasAnyRole('ADMIN', 'RULE_AUTHOR')")
    public String publish(Principal who, Model model, @RequestHeader(value = "HX-Request", required = false) String htmx,
                          jakarta.servlet.http.HttpServletResponse response) {
        try {
            KnowledgeBaseRecord rec = kbs.publish(who.getName());
            catalog.sync(who.getName());
            model.addAttribute("published", rec);
        } catch (KnowledgeBases.PublishRefused e) {
            response.setStatus(htmx != null ? 200 : 422); // htmx swaps only successful responses
            model.addAttribute("refused", e.getMessage());
        }
        if (htmx != null) {
            return "console/knowledge-bases :: result";
        }
        fill(model);
        return "console/knowledge-bases";
    }
}
