package dev.bulwark.manager.console;

import dev.bulwark.authoring.catalog.CatalogQuery;
import dev.bulwark.authoring.catalog.CatalogQueryException;
import dev.bulwark.authoring.catalog.CatalogResult;
import dev.bulwark.authoring.catalog.CatalogRule;
import dev.bulwark.authoring.catalog.RuleCatalog;
import dev.bulwark.manager.agents.Agent;
import dev.bulwark.manager.agents.AgentRepository;
import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.policies.Policy;
import dev.bulwark.manager.policies.PolicyTree;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The rule catalog: search (Lucene query syntax, facets that narrow, highlighted matches), and a
 * rule's page with its metadata, DRL, cases, versions and how often it fired.
 */
@Controller
public class RulePages {
    static final int PAGE = 25;

    private final ConsoleCatalog catalog;
    private final ConsoleQueries queries;
    private final Clock clock;
    private final PolicyTree policies;
    private final AgentRepository agents;

    public RulePages(ConsoleCatalog catalog, ConsoleQueries queries, Clock clock, PolicyTree policies, AgentRepository agents) {
        this.catalog = catalog;
        this.queries = queries;
        this.clock = clock;
        this.policies = policies;
        this.agents = agents;
    }

    /** Where a rule is switched on or off: a policy (and its descendants) or one computer (by a person or a recommendation scan). */
    public record Assignment(String kind, String id, String name, String state) {
    }

    /** A facet value with the link that toggles it. */
    public record FacetLink(String value, long count, boolean selected, String href) {
    }

    @GetMapping("/console/rules")
    public String search(@RequestParam MultiValueMap<String, String> params, Model model) {
        String q = Params.text("q", params.getFirst("q"), 500);
        int page = (int) Params.number("page", params.getFirst("page"), 0, RuleCatalog.MAX_WINDOW / PAGE - 1, 0);
        Map<String, List<String>> filters = new LinkedHashMap<>();
        for (String f : RuleCatalog.FACETS) {
            List<String> values = new ArrayList<>();
            for (String v : params.getOrDefault(f, List.of())) {
                String t = Params.text(f, v, 100);
                if (t != null && !values.contains(t) && values.size() < 20) {
                    values.add(t);
                }
            }
            if (!values.isEmpty()) {
                filters.put(f, values);
            }
        }
        CatalogResult result;
        try {
            result = catalog.search(new CatalogQuery(q == null ? "" : q, filters, page * PAGE, PAGE, true, CatalogQuery.Markup.HTML));
        } catch (CatalogQueryException e) {
            throw ApiException.badRequest("bad-query", "q", "The search could not be read: " + e.getMessage());
        }
        Map<String, List<FacetLink>> facets = new LinkedHashMap<>();
        result.facets().forEach((field, counts) -> {
            List<FacetLink> links = new ArrayList<>();
            for (CatalogResult.FacetCount c : counts) {
                boolean on = filters.getOrDefault(field, List.of()).contains(c.value());
                links.add(new FacetLink(c.value(), c.count(), on, toggled(q, filters, field, c.value())));
            }
            facets.put(field, links);
        });
        model.addAttribute("q", q);
        model.addAttribute("result", result);
        model.addAttribute("facets", facets);
        model.addAttribute("filters", filters);
        model.addAttribute("page", page);
        model.addAttribute("pages", Math.max(1, Math.min((result.total() + PAGE - 1) / PAGE, RuleCatalog.MAX_WINDOW / PAGE)));
        model.addAttribute("problems", catalog.problems());
        model.addAttribute("pageLink", toggled(q, filters, null, null));
        return "console/rules";
    }

    /** The search's link with one facet value switched on or off (or unchanged when field is null). */
    static String toggled(String q, Map<String, List<String>> filters, String field, String value) {
        UriComponentsBuilder b = UriComponentsBuilder.fromPath("/console/rules");
        if (q != null) {
            b.queryParam("q", q);
        }
        filters.forEach((f, vs) -> vs.stream().filter(v -> !(f.equals(field) && v.equals(value))).forEach(v -> b.queryParam(f, v)));
        if (field != null && !filters.getOrDefault(field, List.of()).contains(value)) {
            b.queryParam(field, value);
        }
        return b.encode().build().toUriString();
    }

    @GetMapping("/console/rules/{id}")
    public String rule(@PathVariable String id, Model model) {
        String key = Params.token("id", id);
        CatalogRule rule = catalog.get(key).orElseThrow(() -> new ApiException(404, "no-such-rule", "id", "the catalog has no rule " + key));
        long[] fired = queries.ruleFired(rule.id(), clock.instant().minus(Duration.ofDays(30)));
        model.addAttribute("rule", rule);
        model.addAttribute("history", catalog.history(rule.id()).reversed());
        model.addAttribute("fired", fired[0]);
        model.addAttribute("firedOn", fired[1]);
        String setting = "rules." + rule.id();
        List<Assignment> where = new ArrayList<>();
        for (Policy p : policies.all()) {
            String state = PolicyTree.own(p).get(setting);
            if (state != null) {
                where.add(new Assignment("policy", p.id().toString(), p.name(), state));
            }
        }
        for (Agent a : agents.findAll()) {
            String state = PolicyTree.overrides(a).get(setting);
            if (state != null) {
                where.add(new Assignment("computer", a.id(), a.hostname(), state));
            }
        }
        model.addAttribute("assignments", where);
        return "console/rule";
    }
}
