package dev.bulwark.manager.console;

import dev.bulwark.manager.events.EventStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** The sign-in page and the dashboard: computers by health, events by module and severity over time, what fires most. */
@Controller
public class HomePages {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final ConsoleQueries queries;
    private final EventStore events;
    private final Clock clock;

    public HomePages(ConsoleQueries queries, EventStore events, Clock clock) {
        this.queries = queries;
        this.events = events;
        this.clock = clock;
    }

    @GetMapping("/login")
    public String login(@RequestParam(required = false) String failed, @RequestParam(required = false) String throttled,
                        @RequestParam(required = false) String signedOut, Model model) {
        if (failed != null) {
            model.addAttribute("problem", "Wrong user name or password.");
        } else if (throttled != null) {
            model.addAttribute("problem", "Too many failed sign-ins; try again in " + Params.number("throttled", throttled, 0, 86_400, 60) + " s.");
        } else if (signedOut != null) {
            model.addAttribute("info", "You have signed out.");
        }
        return "console/login";
    }

    @GetMapping("/")
    public String root() {
        return "redirect:/console";
    }

    /** Where the security chain forwards a refusal, whatever the method of the refused request (a POST without its CSRF token, say). */
    @org.springframework.web.bind.annotation.RequestMapping("/console/forbidden")
    public String forbidden(Model model, jakarta.servlet.http.HttpServletResponse response) {
        return ConsoleAdvice.errorPage(model, response, 403, "Not allowed", ConsoleAdvice.NOT_ALLOWED);
    }

    @GetMapping("/console")
    public String dashboard(@RequestParam(required = false) String range, Model model) {
        Duration r = Params.range(range);
        Instant from = clock.instant().minus(r);
        Map<String, Long> health = queries.computersByHealth();
        model.addAttribute("range", range == null || range.isBlank() ? "24h" : range);
        model.addAttribute("ranges", Params.RANGES);
        model.addAttribute("from", from.toString());
        model.addAttribute("health", health);
        model.addAttribute("computers", health.values().stream().mapToLong(Long::longValue).sum());
        model.addAttribute("modules", queries.eventsByModule(from));
        model.addAttribute("severities", EventStore.severities());
        ConsoleQueries.Series series = queries.eventsOverTime(from, r);
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("x", series.starts());
        chart.put("series", series.bySeverity());
        model.addAttribute("chart", JSON.writeValueAsString(chart));
        model.addAttribute("chartTotal", series.bySeverity().values().stream().flatMap(java.util.List::stream).mapToLong(Long::longValue).sum());
        model.addAttribute("topRules", queries.topRules(from, 10));
        model.addAttribute("topComputers", queries.topComputers(from, 10));
        model.addAttribute("critical", events.find(new EventStore.Query(null, null, null, "critical", from, null, null, 10, 0)));
        return "console/dashboard";
    }
}
