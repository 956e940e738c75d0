package dev.bulwark.manager.console;

import dev.bulwark.agent.protocol.PolicySettings;
import dev.bulwark.manager.agents.Agent;
import dev.bulwark.manager.agents.AgentRepository;
import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.policies.Policy;
import dev.bulwark.manager.policies.PolicyTree;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Policies: the tree, and one policy with every setting it puts in force (its own, or inherited and
 * from where), the rules it assigns, its children and the computers that use it. Administrators
 * change settings, create policies, move them and assign computers; every change goes through
 * {@link PolicyTree}, so it is checked and audited exactly as over the API, and a refusal comes back
 * on the same page naming the setting.
 */
@Controller
public class PolicyPages {
    private final PolicyTree tree;
    private final AgentRepository agents;
    private final ConsoleCatalog catalog;

    public PolicyPages(PolicyTree tree, AgentRepository agents, ConsoleCatalog catalog) {
        this.tree = tree;
        this.agents = agents;
        this.catalog = catalog;
    }

    /** A line of the tree: a policy at its depth, its own setting count, and how many computers use it directly and below it. */
    public record Node(long id, String name, String description, int depth, int ownSettings, long computers, long computersBelow, long revision) {
    }

    /** A setting as a policy puts it in force. */
    public record SettingRow(String key, String kind, List<String> choices, String description, String value, String source, boolean own) {
    }

    /** A computer using a policy. */
    public record User(String id, String hostname, String health, boolean direct, String via) {
    }

    @GetMapping("/console/policies")
    public String list(Model model) {
        model.addAttribute("nodes", nodes());
        return "console/policies";
    }

    /** Depth-first from the root, children by name; each with the computers assigned to it and to its descendants. */
    List<Node> nodes() {
        List<Policy> all = tree.all();
        Map<Long, List<Policy>> children = new HashMap<>();
        Policy root = null;
        for (Policy p : all) {
            if (p.parentId() == null) {
                root = p;
            } else {
                children.computeIfAbsent(p.parentId(), k -> new ArrayList<>()).add(p);
            }
        }
        children.values().forEach(l -> l.sort(Comparator.comparing(Policy::name, String.CASE_INSENSITIVE_ORDER)));
        Map<Long, Long> direct = directCounts(root == null ? null : root.id());
        List<Node> out = new ArrayList<>();
        if (root != null) {
            walk(root, 0, children, direct, out);
        }
        return out;
    }

    private static long walk(Policy p, int depth, Map<Long, List<Policy>> children, Map<Long, Long> direct, List<Node> out) {
        int at = out.size();
        out.add(null);
        long below = 0;
        for (Policy c : children.getOrDefault(p.id(), List.of())) {
            below += walk(c, depth + 1, children, direct, out);
        }
        long own = direct.getOrDefault(p.id(), 0L);
        out.set(at, new Node(p.id(), p.name(), p.description(), depth, PolicyTree.own(p).size(), own, below, p.revision()));
        return own + below;
    }

    /** Computers per policy; a computer without one uses the root. */
    private Map<Long, Long> directCounts(Long rootId) {
        Map<Long, Long> counts = new HashMap<>();
        for (Agent a : agents.findAll()) {
            Long p = a.policyId() == null ? rootId : a.policyId();
            if (p != null) {
                counts.merge(p, 1L, Long::sum);
            }
        }
        return counts;
    }

    @GetMapping("/console/policies/{id}")
    public String policy(@PathVariable String id, Model model) {
        Policy p = find(id);
        PolicyTree.InForce inForce = tree.inForce(p.id());
        Map<String, String> own = PolicyTree.own(p);
        Map<String, List<SettingRow>> groups = new LinkedHashMap<>();
        for (PolicySettings.Setting s : PolicySettings.all().values()) {
            groups.computeIfAbsent(group(s.key()), g -> new ArrayList<>()).add(new SettingRow(s.key(), s.kind().name().toLowerCase(java.util.Locale.ROOT),
                    s.choices(), s.description(), inForce.values().get(s.key()), source(inForce.sources().get(s.key()), p), own.containsKey(s.key())));
        }
        List<SettingRow> rules = inForce.values().entrySet().stream().filter(e -> e.getKey().startsWith("rules."))
                .map(e -> new SettingRow(e.getKey(), "rule", List.of("on", "off"), "", e.getValue(),
                        source(inForce.sources().get(e.getKey()), p), own.containsKey(e.getKey())))
                .toList();
        List<Policy> all = tree.all();
        Map<Long, Policy> byId = new HashMap<>();
        all.forEach(x -> byId.put(x.id(), x));
        model.addAttribute("policy", p);
        model.addAttribute("chain", inForce.chain());
        model.addAttribute("groups", groups);
        model.addAttribute("rules", rules);
        model.addAttribute("children", all.stream().filter(c -> p.id().equals(c.parentId()))
                .sorted(Comparator.comparing(Policy::name, String.CASE_INSENSITIVE_ORDER)).toList());
        model.addAttribute("users", users(p, byId));
        // where it may move: anywhere except under itself or its descendants (the tree refuses those too)
        model.addAttribute("parents", p.parentId() == null ? List.of() : all.stream().filter(c -> !descends(c, p.id(), byId)).toList());
        return "console/policy";
    }

    private static String group(String key) {
        int dot = key.indexOf('.');
        String g = dot < 0 ? key : key.substring(0, dot);
        return PolicySettings.MODULES.contains(g) ? g : "general";
    }

    /** "this policy", "inherited from NAME" or "default". */
    private static String source(String raw, Policy here) {
        if (raw == null || raw.equals("default")) {
            return "default";
        }
        String name = raw.startsWith("policy:") ? raw.substring(7) : raw;
        return name.equals(here.name()) ? "this policy" : "inherited from " + name;
    }

    private static boolean descends(Policy candidate, long ancestor, Map<Long, Policy> byId) {
        for (Policy c = candidate; c != null; c = c.parentId() == null ? null : byId.get(c.parentId())) {
            if (c.id() == ancestor) {
                return true;
            }
        }
        return false;
    }

    /** The computers whose policy is this one or one of its descendants, direct ones first. */
    private List<User> users(Policy p, Map<Long, Policy> byId) {
        long rootId = tree.root().id();
        List<User> out = new ArrayList<>();
        for (Agent a : agents.findAll()) {
            long leaf = a.policyId() == null ? rootId : a.policyId();
            if (leaf == p.id()) {
                out.add(new User(a.id(), a.hostname(), ConsoleQueries.health(a), true, null));
            } else if (descends(byId.get(leaf), p.id(), byId)) {
                out.add(new User(a.id(), a.hostname(), ConsoleQueries.health(a), false, byId.get(leaf).name()));
            }
        }
        out.sort(Comparator.comparing(User::direct).reversed().thenComparing(User::hostname, String.CASE_INSENSITIVE_ORDER));
        return out;
    }

    /**
     * Sets one setting on this policy ({@code key}, or {@code ruleId} for {@code rules.ID}), or with
     * {@code inherit} removes it so the parent's value applies again.
     */
    @PostMapping("/console/policies/{id}/settings")
    @PreAuthorize("hasRole('ADMIN')")
    public String change(@PathVariable String id, @RequestParam(required = false) String key, @RequestParam(required = false) String ruleId,
                         @RequestParam(required = false) String value, @RequestParam(required = false) String inherit, Principal who,
                         RedirectAttributes flash) {
        Policy p = find(id);
        String rule = Params.token("ruleId", ruleId);
        String k = rule != null ? "rules." + rule.toUpperCase(java.util.Locale.ROOT) : Params.text("key", key, 110);
        if (k == null) {
            throw ApiException.badRequest("bad-parameter", "key", "key names the setting to change (or ruleId the rule to assign)");
        }
        if (rule != null && catalog.get(k.substring(6)).isEmpty()) {
            flash.addFlashAttribute("problem", "The catalog has no rule " + k.substring(6) + "; search the rules for its id.");
            return "redirect:/console/policies/" + p.id();
        }
        try {
            if (inherit != null) {
                tree.change(who.getName(), p.id(), Map.of(), List.of(k));
                flash.addFlashAttribute("info", k + " is inherited again.");
            } else {
                Policy changed = tree.change(who.getName(), p.id(), Map.of(k, value == null ? "" : value), List.of());
                flash.addFlashAttribute("info", k + " set to " + PolicyTree.own(changed).get(k) + " on " + p.name()
                        + "; its computers receive it at their next heartbeat.");
            }
        } catch (ApiException e) {
            flash.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/console/policies/" + p.id();
    }

    @PostMapping("/console/policies")
    @PreAuthorize("hasRole('ADMIN')")
    public String create(@RequestParam(required = false) String parent, @RequestParam String name, @RequestParam(required = false) String description,
                         Principal who, RedirectAttributes flash) {
        Long parentId = parent == null || parent.isBlank() ? null : Params.number("parent", parent, 1, Long.MAX_VALUE, 0);
        try {
            Policy p = tree.create(who.getName(), name, parentId, description, Map.of());
            flash.addFlashAttribute("info", "Created " + p.name() + "; it inherits everything until you set something here.");
            return "redirect:/console/policies/" + p.id();
        } catch (ApiException e) {
            flash.addFlashAttribute("problem", e.getMessage());
            return parentId == null ? "redirect:/console/policies" : "redirect:/console/policies/" + parentId;
        }
    }

    @PostMapping("/console/policies/{id}/parent")
    @PreAuthorize("hasRole('ADMIN')")
    public String move(@PathVariable String id, @RequestParam String parent, Principal who, RedirectAttributes flash) {
        Policy p = find(id);
        long to = Params.number("parent", parent, 1, Long.MAX_VALUE, 0);
        try {
            tree.move(who.getName(), p.id(), to);
            flash.addFlashAttribute("info", p.name() + " now inherits from " + tree.require(to).name() + ".");
        } catch (ApiException e) {
            flash.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/console/policies/" + p.id();
    }

    /** Puts a computer under a policy (from the computer's page). */
    @PostMapping("/console/computers/{id}/policy")
    @PreAuthorize("hasRole('ADMIN')")
    public String assign(@PathVariable String id, @RequestParam String policy, Principal who, RedirectAttributes flash) {
        String agent = Params.token("id", id);
        long to = Params.number("policy", policy, 1, Long.MAX_VALUE, 0);
        tree.assign(who.getName(), agent, to);
        flash.addFlashAttribute("info", "This computer now uses " + tree.require(to).name() + "; it receives the policy at its next heartbeat.");
        return "redirect:/console/computers/" + agent;
    }

    /** Overrides one setting on one computer, or with {@code inherit} removes the override so its policy's value applies. */
    @PostMapping("/console/computers/{id}/settings")
    @PreAuthorize("hasRole('ADMIN')")
    public String override(@PathVariable String id, @RequestParam String key, @RequestParam(required = false) String value,
                           @RequestParam(required = false) String inherit, Principal who, RedirectAttributes flash) {
        String agent = Params.token("id", id);
        String k = Params.text("key", key, 110);
        if (k == null) {
            throw ApiException.badRequest("bad-parameter", "key", "key names the setting to override");
        }
        try {
            if (inherit != null) {
                tree.overrideOnComputer(who.getName(), agent, Map.of(), List.of(k));
                flash.addFlashAttribute("info", k + " follows the computer's policy again.");
            } else {
                tree.overrideOnComputer(who.getName(), agent, Map.of(k, value == null ? "" : value), List.of());
                flash.addFlashAttribute("info", k + " overridden on this computer; it receives the change at its next heartbeat.");
            }
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw e;
            }
            flash.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/console/computers/" + agent;
    }

    private Policy find(String id) {
        long n = Params.number("id", id, 1, Long.MAX_VALUE, 0);
        return tree.require(n);
    }
}
