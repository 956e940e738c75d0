package dev.bulwark.manager.events;

import dev.bulwark.manager.api.ApiException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/events}: newest first, filtered by computer, module, rule, minimum severity, time and text; paged by {@code before}. */
@RestController
public class EventController {
    private final EventStore events;

    public EventController(EventStore events) {
        this.events = events;
    }

    @GetMapping("/api/events")
    public List<EventStore.StoredEvent> find(@RequestParam(required = false) String agent, @RequestParam(required = false) String module,
                                             @RequestParam(required = false) String rule, @RequestParam(required = false) String severity,
                                             @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                                             @RequestParam(required = false) String text, @RequestParam(defaultValue = "100") int limit,
                                             @RequestParam(defaultValue = "0") long before) {
        return events.find(new EventStore.Query(agent, module, rule, severity, instant("from", from), instant("to", to), text, limit, before));
    }

    /** How many events the same filters match (for dashboards and scripts). */
    @GetMapping("/api/events/count")
    public java.util.Map<String, Long> count(@RequestParam(required = false) String agent, @RequestParam(required = false) String module,
                                             @RequestParam(required = false) String rule, @RequestParam(required = false) String severity,
                                             @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                                             @RequestParam(required = false) String text) {
        return java.util.Map.of("count", events.count(new EventStore.Query(agent, module, rule, severity, instant("from", from), instant("to", to), text, 1, 0)));
    }

    /** An optional ISO-8601 instant parameter, refused with its name when malformed. */
    public static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("bad-time", name, name + " must be an ISO-8601 instant such as 2026-12-04T10:15:30Z");
        }
    }
}
