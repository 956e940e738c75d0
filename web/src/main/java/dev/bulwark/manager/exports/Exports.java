package dev.bulwark.manager.exports;

import com.opencsv.CSVWriter;
import dev.bulwark.authoring.catalog.CatalogCsv;
import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.audit.AuditEntry;
import dev.bulwark.manager.events.EventStore.StoredEvent;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;

/** Writes events or audit entries as CSV, JSON lines or CEF lines. */
public final class Exports {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public enum Format {
        CSV("text/csv"), JSON("application/x-ndjson"), CEF("text/plain");

        public final String mediaType;

        Format(String mediaType) {
            this.mediaType = mediaType;
        }

        public static Format parse(String s) {
            try {
                return valueOf(s == null ? "CSV" : s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("bad-format", "format", "format is csv, json or cef");
            }
        }
    }

    private Exports() {
    }

    static final String[] EVENT_COLUMNS = {"id", "time", "received", "agent", "hostname", "stream", "seq", "module", "kind", "rule", "severity", "summary", "event"};
    static final String[] AUDIT_COLUMNS = {"seq", "at", "actor", "action", "target", "before", "after", "prev_hash", "hash"};

    public static void events(List<StoredEvent> events, Format f, Writer out) throws IOException {
        switch (f) {
            case CSV -> {
                CSVWriter csv = new CSVWriter(out);
                csv.writeNext(EVENT_COLUMNS, false);
                csv.flush();
                eventsWithoutHeader(events, out);
            }
            case JSON -> {
                for (StoredEvent e : events) {
                    out.write(JSON.writeValueAsString(e));
                    out.write('\n');
                }
            }
            case CEF -> {
                for (StoredEvent e : events) {
                    out.write(Cef.of(e));
                    out.write('\n');
                }
            }
        }
        out.flush();
    }

    public static void audit(List<AuditEntry> entries, Format f, Writer out) throws IOException {
        switch (f) {
            case CSV -> {
                CSVWriter csv = new CSVWriter(out);
                csv.writeNext(AUDIT_COLUMNS, false);
                csv.flush();
                auditWithoutHeader(entries, out);
            }
            case JSON -> {
                for (AuditEntry a : entries) {
                    out.write(JSON.writeValueAsString(new AuditRow(a.seq(), a.at().toString(), a.actor(), a.action(), a.target(), a.before(),
                            a.after(), a.prevHash(), a.hash())));
                    out.write('\n');
                }
            }
            case CEF -> {
                for (AuditEntry a : entries) {
                    out.write(Cef.of(a));
                    out.write('\n');
                }
            }
        }
        out.flush();
    }

    /** CSV rows of events, for pages after the first. */
    public static void eventsWithoutHeader(List<StoredEvent> events, Writer out) throws IOException {
        CSVWriter csv = new CSVWriter(out);
        for (StoredEvent e : events) {
            csv.writeNext(defang(Long.toString(e.id()), e.time().toString(), e.received().toString(), e.agentId(), e.hostname(), e.stream(),
                    Long.toString(e.seq()), e.module(), e.kind(), e.ruleId(), e.severity(), e.summary(), e.event().toString()), true);
        }
        csv.flush();
    }

    /** CSV rows of audit entries, for pages after the first. */
    public static void auditWithoutHeader(List<AuditEntry> entries, Writer out) throws IOException {
        CSVWriter csv = new CSVWriter(out);
        for (AuditEntry a : entries) {
            csv.writeNext(defang(Long.toString(a.seq()), a.at().toString(), a.actor(), a.action(), a.target(), a.before(), a.after(),
                    a.prevHash(), a.hash()), true);
        }
        csv.flush();
    }

    record AuditRow(long seq, String at, String actor, String action, String target, String before, String after, String prevHash, String hash) {
    }

    private static String[] defang(String... cells) {
        String[] out = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            out[i] = CatalogCsv.defang(cells[i]);
        }
        return out;
    }
}
