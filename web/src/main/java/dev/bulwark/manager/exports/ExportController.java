package dev.bulwark.manager.exports;

import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.audit.AuditEntry;
import dev.bulwark.manager.audit.AuditEntryRepository;
import dev.bulwark.manager.events.EventController;
import dev.bulwark.manager.events.EventStore;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.springframework.data.domain.PageRequest;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Exports of the current event filter (every reader) and of the whole audit log (admins and auditors), as CSV, JSON lines or CEF. */
@RestController
public class ExportController {
    private static final int MAX_EVENTS = 1_000_000;

    private final EventStore events;
    private final AuditEntryRepository audit;

    public ExportController(EventStore events, AuditEntryRepository audit) {
        this.events = events;
        this.audit = audit;
    }

    @GetMapping("/api/events/export")
    public void events(@RequestParam(defaultValue = "csv") String format, @RequestParam(required = false) String agent,
                       @RequestParam(required = false) String module, @RequestParam(required = false) String rule,
                       @RequestParam(required = false) String severity, @RequestParam(required = false) String from,
                       @RequestParam(required = false) String to, @RequestParam(required = false) String text,
                       @RequestParam(defaultValue = "100000") int limit, HttpServletResponse response) throws IOException {
        Exports.Format f = Exports.Format.parse(format);
        if (limit < 1 || limit > MAX_EVENTS) {
            throw ApiException.badRequest("bad-limit", "limit", "limit is 1 to " + MAX_EVENTS);
        }
        Instant fromT = EventController.instant("from", from);
        Instant toT = EventController.instant("to", to);
        start(response, f, "bulwark-events");
        Writer out = response.getWriter();
        long before = 0;
        int left = limit;
        boolean header = true;
        while (left > 0) {
            List<EventStore.StoredEvent> page = events.find(new EventStore.Query(agent, module, rule, severity, fromT, toT, text, Math.min(left, 1000), before));
            if (page.isEmpty()) {
                break;
            }
            if (f == Exports.Format.CSV && !header) {
                // OpenCSV writes the header with each call; later pages go through without it
                Exports.eventsWithoutHeader(page, out);
            } else {
                Exports.events(page, f, out);
            }
            header = false;
            left -= page.size();
            before = page.getLast().id();
        }
    }

    @GetMapping("/api/audit/export")
    @PreAuthorize("hasAnyRole('ADMIN', 'AUDITOR')")
    @Transactional(readOnly = true)
    public void audit(@RequestParam(defaultValue = "csv") String format, HttpServletResponse response) throws IOException {
        Exports.Format f = Exports.Format.parse(format);
        start(response, f, "bulwark-audit");
        Writer out = response.getWriter();
        long after = 0;
        boolean header = true;
        while (true) {
            List<AuditEntry> page = audit.findBySeqGreaterThanOrderBySeqAsc(after, PageRequest.of(0, 1000));
            if (page.isEmpty()) {
                break;
            }
            if (f == Exports.Format.CSV && !header) {
                Exports.auditWithoutHeader(page, out);
            } else {
                Exports.audit(page, f, out);
            }
            header = false;
            after = page.getLast().seq();
        }
    }

    private static void start(HttpServletResponse response, Exports.Format f, String name) {
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentType(f.mediaType);
        String ext = switch (f) {
            case CSV -> "csv";
            case JSON -> "jsonl";
            case CEF -> "cef";
        };
        response.setHeader("Content-Disposition", "attachment; filename=\"" + name + "." + ext + "\"");
        response.setHeader("X-Content-Type-Options", "nosniff");
    }
}
