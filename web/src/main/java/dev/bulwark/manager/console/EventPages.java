package dev.bulwark.manager.console;

import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.events.EventStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Events: filter by computer, module, rule, severity, time and text, newest first, a page at a time
 * (keyset paging on the id, so a page is as quick at the millionth event as at the first); export the
 * current filter; an event's page with everything the agent sent.
 */
@Controller
public class EventPages {
    static final int PAGE = 50;
    private static final JsonMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final EventStore events;
    private final ConsoleCatalog catalog;

    public EventPages(EventStore events, ConsoleCatalog catalog) {
        this.events = events;
        this.catalog = catalog;
    }

    @GetMapping("/console/events")
    public String list(@RequestParam(required = false) String agent, @RequestParam(required = false) String module,
                       @RequestParam(required = false) String rule, @RequestParam(required = false) String severity,
                       @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                       @RequestParam(required = false) String text, @RequestParam(required = false) String before, Model model) {
        String a = Params.token("agent", agent);
        String m = Params.token("module", module);
        String r = Params.token("rule", rule);
        String s = Params.severity(severity);
        Instant f = Params.time("from", from);
        Instant t = Params.time("to", to);
        String x = Params.text("text", text, 200);
        long b = Params.number("before", before, 0, Long.MAX_VALUE, 0);
        List<EventStore.StoredEvent> page = events.find(new EventStore.Query(a, m, r, s, f, t, x, PAGE + 1, b));
        boolean more = page.size() > PAGE;
        List<EventStore.StoredEvent> shown = more ? page.subList(0, PAGE) : page;
        UriComponentsBuilder filter = UriComponentsBuilder.newInstance();
        add(filter, "agent", a);
        add(filter, "module", m);
        add(filter, "rule", r);
        add(filter, "severity", s);
        add(filter, "from", f == null ? null : f.toString());
        add(filter, "to", t == null ? null : t.toString());
        add(filter, "text", x);
        String query = filter.encode().build().getQuery();
        String q = query == null ? "" : query;
        model.addAttribute("events", shown);
        model.addAttribute("count", events.count(new EventStore.Query(a, m, r, s, f, t, x, 1, 0)));
        model.addAttribute("agent", a);
        model.addAttribute("module", m);
        model.addAttribute("rule", r);
        model.addAttribute("severity", s);
        model.addAttribute("from", from == null ? "" : from);
        model.addAttribute("to", to == null ? "" : to);
        model.addAttribute("text", x);
        model.addAttribute("modules", ConsoleQueries.MODULES);
        model.addAttribute("severities", EventStore.severities());
        model.addAttribute("older", more ? "/console/events?" + (q.isEmpty() ? "" : q + "&") + "before=" + shown.getLast().id() : null);
        model.addAttribute("first", b > 0 ? "/console/events" + (q.isEmpty() ? "" : "?" + q) : null);
        model.addAttribute("exportQuery", q);
        return "console/events";
    }

    private static void add(UriComponentsBuilder b, String name, String value) {
        if (value != null) {
            b.queryParam(name, value);
        }
    }

    @GetMapping("/console/events/{id}")
    public String event(@PathVariable String id, Model model) {
        long key = Params.number("id", id, 1, Long.MAX_VALUE, 0);
        EventStore.StoredEvent e = events.byId(key).orElseThrow(() -> new ApiException(404, "no-such-event", "id", "no event has the id " + key));
        model.addAttribute("event", e);
        model.addAttribute("body", PRETTY.writeValueAsString(e.event()));
        model.addAttribute("rule", e.ruleId() == null ? null : catalog.get(e.ruleId()).orElse(null));
        JsonNode body = e.event();
        model.addAttribute("decision", body.path("action").isString() ? body.path("action").asString() + ": " + body.path("reason").asString("") : null);
        model.addAttribute("message", body.path("message").asString(""));
        model.addAttribute("evidence", fields(body.path("evidence")));
        List<Fact> facts = new ArrayList<>();
        for (JsonNode f : body.path("explanation").path("facts")) {
            if (facts.size() == 50) {
                break;
            }
            facts.add(new Fact(f.path("type").asString("fact"), fields(f.path("fact"))));
        }
        model.addAttribute("facts", facts);
        model.addAttribute("ruleName", body.path("explanation").path("ruleName").asString(""));
        return "console/event";
    }

    /** A fact the rule matched: its type and its fields. */
    public record Fact(String type, List<Field> fields) {
    }

    /** One field of a fact or of the evidence, nested ones named with dots; long values cut with a mark. */
    public record Field(String name, String value) {
    }

    /** The fields of an object (nested objects flattened to {@code a.b}, at most 200), as the agent sent them; text is escaped where shown. */
    static List<Field> fields(JsonNode n) {
        List<Field> out = new ArrayList<>();
        flatten("", n, 0, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode n, int depth, List<Field> out) {
        if (n == null || n.isMissingNode() || n.isNull() || out.size() >= 200) {
            return;
        }
        if (n.isObject() && depth < 3) {
            for (var e : n.properties()) {
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), depth + 1, out);
            }
            return;
        }
        String v = n.isValueNode() ? n.asString("") : n.toString();
        out.add(new Field(prefix.isEmpty() ? "value" : prefix, v.length() > 2000 ? v.substring(0, 2000) + " […]" : v));
    }
}
