package dev.bulwark.manager.console;

import dev.bulwark.manager.agents.Agent;
import dev.bulwark.manager.agents.AgentCommands;
import dev.bulwark.manager.agents.AgentRepository;
import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.events.EventStore;
import dev.bulwark.manager.policies.PolicyTree;
import java.security.Principal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Computers: the list (filtered, sorted and paged here), and one computer with its policy, events, commands and actions. */
@Controller
public class ComputerPages {
    static final int PAGE = 50;
    static final List<String> SORTS = List.of("hostname", "health", "heartbeat", "bundle");
    /** The commands a computer's page offers as buttons. */
    static final List<String> ACTIONS = List.of("scan-now", "rebuild-baseline", "recommendation-scan");

    private final AgentRepository agents;
    private final EventStore events;
    private final AgentCommands commands;
    private final PolicyTree policies;

    public ComputerPages(AgentRepository agents, EventStore events, AgentCommands commands, PolicyTree policies) {
        this.agents = agents;
        this.events = events;
        this.commands = commands;
        this.policies = policies;
    }

    /** A row of the list. */
    public record Row(String id, String hostname, String health, Instant lastHeartbeat, long bundleVersion, String modules, String os, String version) {
    }

    @GetMapping("/console/computers")
    public String list(@RequestParam(required = false) String q, @RequestParam(required = false) String health,
                       @RequestParam(required = false) String sort, @RequestParam(required = false) String dir,
                       @RequestParam(required = false) String page, Model model) {
        String text = Params.text("q", q, 100);
        String h = Params.token("health", health);
        String by = Params.choice("sort", sort, SORTS);
        boolean desc = "desc".equals(Params.choice("dir", dir, List.of("asc", "desc")));
        int p = (int) Params.number("page", page, 0, 1_000_000, 0);
        Comparator<Row> order = switch (by) {
            case "health" -> Comparator.comparing(Row::health);
            case "heartbeat" -> Comparator.comparing(Row::lastHeartbeat, Comparator.nullsFirst(Comparator.naturalOrder()));
            case "bundle" -> Comparator.comparingLong(Row::bundleVersion);
            default -> Comparator.comparing(r -> r.hostname().toLowerCase(Locale.ROOT));
        };
        if (desc) {
            order = order.reversed();
        }
        List<Row> rows = agents.findAll().stream()
                .map(a -> new Row(a.id(), a.hostname(), ConsoleQueries.health(a), a.lastHeartbeat(), a.bundleVersion(), a.modules(), a.os(), a.agentVersion()))
                .filter(r -> h == null || r.health().equals(h))
                .filter(r -> text == null || r.hostname().toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT))
                        || r.id().toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT)))
                .sorted(order).toList();
        model.addAttribute("total", rows.size());
        model.addAttribute("rows", rows.stream().skip((long) p * PAGE).limit(PAGE).toList());
        model.addAttribute("page", p);
        model.addAttribute("pages", Math.max(1, (rows.size() + PAGE - 1) / PAGE));
        model.addAttribute("q", text);
        model.addAttribute("health", h);
        model.addAttribute("healths", ConsoleQueries.HEALTH_ORDER);
        model.addAttribute("sort", by);
        model.addAttribute("dir", desc ? "desc" : "asc");
        return "console/computers";
    }

    @GetMapping("/console/computers/{id}")
    public String computer(@PathVariable String id, Model model) {
        Agent a = find(id);
        model.addAttribute("agent", a);
        model.addAttribute("health", ConsoleQueries.health(a));
        model.addAttribute("policy", policies.effective(a.id()));
        model.addAttribute("policies", policies.all());
        model.addAttribute("policyId", a.policyId() == null ? policies.root().id() : a.policyId());
        model.addAttribute("settingKeys", dev.bulwark.agent.protocol.PolicySettings.all().keySet());
        model.addAttribute("events", events.find(new EventStore.Query(a.id(), null, null, null, null, null, null, 20, 0)));
        model.addAttribute("commands", commands.forAgent(a.id()));
        model.addAttribute("kinds", ACTIONS);
        model.addAttribute("unrecognised", unrecognised(a.id()));
        Map<String, Long> counters = counters(a);
        Map<String, Long> integrity = section(counters, "integrity.");
        Map<String, Long> appcontrol = section(counters, "appcontrol.");
        model.addAttribute("integrity", integrity);
        model.addAttribute("integrityLastPass", integrity.containsKey("lastPass") ? Instant.ofEpochSecond(integrity.get("lastPass")) : null);
        model.addAttribute("appcontrol", appcontrol);
        model.addAttribute("inventoryBuilt", appcontrol.containsKey("inventoryBuilt") ? Instant.ofEpochSecond(appcontrol.get("inventoryBuilt")) : null);
        model.addAttribute("spool", counters.entrySet().stream().filter(e -> !e.getKey().startsWith("integrity.") && !e.getKey().startsWith("appcontrol."))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (x, y) -> x, java.util.TreeMap::new)));
        return "console/computer";
    }

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    /** The counters of the computer's last heartbeat (the manager checked their names and count when it stored them). */
    static Map<String, Long> counters(Agent a) {
        Map<String, Long> out = new java.util.TreeMap<>();
        if (a.counters() == null || a.counters().isBlank()) {
            return out;
        }
        JSON.readTree(a.counters()).properties().forEach(e -> {
            if (e.getValue().isIntegralNumber()) {
                out.put(e.getKey(), e.getValue().asLong());
            }
        });
        return out;
    }

    /** The counters under one prefix, by their short name; a name ending in a time (lastPass, inventoryBuilt) is epoch seconds. */
    static Map<String, Long> section(Map<String, Long> counters, String prefix) {
        Map<String, Long> out = new java.util.TreeMap<>();
        counters.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** An executable application control reported on a computer: the newest report of each, and how often. */
    public record Unrecognised(String sha256, String path, String user, String parent, String commandLine, String ruleId, String severity,
                               Instant lastSeen, long eventId, int reports) {
    }

    /** From the computer's newest application-control events: each executable once (by hash, else path), newest first. */
    List<Unrecognised> unrecognised(String agentId) {
        Map<String, Unrecognised> byKey = new java.util.LinkedHashMap<>(); // the newest report of each executable
        Map<String, Integer> reports = new java.util.HashMap<>();
        for (EventStore.StoredEvent e : events.find(new EventStore.Query(agentId, "appcontrol", null, null, null, null, null, 500, 0))) {
            var ev = e.event().path("evidence");
            String sha = ev.path("sha256").asText("");
            String path = ev.path("path").asText("");
            if (path.isEmpty() && sha.isEmpty()) {
                continue;
            }
            boolean hashed = sha.matches("[0-9a-f]{64}");
            String key = hashed ? sha : "path:" + path;
            reports.merge(key, 1, Integer::sum);
            byKey.putIfAbsent(key, new Unrecognised(hashed ? sha : null, path, ev.path("user").asText(""), ev.path("parent").asText(""),
                    ev.path("commandLine").asText(""), e.ruleId(), e.severity(), e.time(), e.id(), 0));
        }
        byKey.replaceAll((k, u) -> new Unrecognised(u.sha256(), u.path(), u.user(), u.parent(), u.commandLine(), u.ruleId(), u.severity(),
                u.lastSeen(), u.eventId(), reports.get(k)));
        return List.copyOf(byKey.values());
    }

    /** An admin's decision about an executable on this computer: sent as an approve or block command, carried out by the agent. */
    @PostMapping("/console/computers/{id}/decisions")
    @PreAuthorize("hasRole('ADMIN')")
    public String decide(@PathVariable String id, @RequestParam String decision, @RequestParam(required = false) String sha256,
                         @RequestParam(required = false) String path, @RequestParam(required = false) String note, Principal who,
                         RedirectAttributes flash) {
        Agent a = find(id);
        String kind = Params.choice("decision", decision, List.of("approve", "block"));
        Map<String, String> args = new java.util.TreeMap<>();
        if (sha256 != null && !sha256.isBlank()) {
            args.put("sha256", sha256.strip().toLowerCase(Locale.ROOT));
        } else if (path != null && !path.isBlank()) {
            args.put("path", Params.text("path", path, 4096));
        }
        String why = Params.text("note", note, 500);
        if (why != null) {
            args.put("note", why);
        }
        AgentCommands.CommandView c = commands.queue(who.getName(), a.id(), kind, args);
        flash.addFlashAttribute("info", (kind.equals("approve") ? "Approval" : "Block") + " sent as command " + c.id()
                + "; the computer carries it out at its next heartbeat.");
        return "redirect:/console/computers/" + a.id();
    }

    @PostMapping("/console/computers/{id}/commands")
    @PreAuthorize("hasAnyRole('ADMIN', 'ANALYST')")
    public String command(@PathVariable String id, @RequestParam String kind, Principal who, RedirectAttributes flash) {
        Agent a = find(id);
        if (!ACTIONS.contains(kind)) {
            throw ApiException.badRequest("bad-parameter", "kind", "kind is scan-now, rebuild-baseline or recommendation-scan");
        }
        AgentCommands.CommandView c = commands.queue(who.getName(), a.id(), kind, Map.of());
        flash.addFlashAttribute("info", "Queued " + kind + " (command " + c.id() + "); the computer picks it up at its next heartbeat.");
        return "redirect:/console/computers/" + a.id();
    }

    private Agent find(String id) {
        String key = Params.token("id", id);
        return agents.findById(key).orElseThrow(() -> new ApiException(404, "no-such-computer", "id", "no computer has the id " + key));
    }
}
