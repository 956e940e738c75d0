package dev.bulwark.manager.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.protocol.Messages.EventAck;
import dev.bulwark.agent.protocol.ProtocolLimits;
import dev.bulwark.manager.api.ApiException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Stores and finds agents' events. */
@Service
public class EventStore {

    static final ObjectMapper JSON = new ObjectMapper();
    /** the web layer's Jackson (3), so stored events render as JSON objects in API answers */
    private static final tools.jackson.databind.json.JsonMapper OUT = tools.jackson.databind.json.JsonMapper.builder().build();
    private static final Pattern STREAM = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final List<String> SEVERITIES = List.of("info", "low", "medium", "high", "critical");
    /** The one statement that stores an event (the benchmark's database-alone side uses it too). */
    public static final String INSERT = "insert into agent_event (agent_id, stream, seq, event_time, received_at, kind, module, rule_id, severity, summary, body)"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing";

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration retention;
    private final ApplicationEventPublisher publisher;
    private final StoredEventsDemand demand;

    public EventStore(JdbcTemplate jdbc, Clock clock, @Value("${bulwark.events.retention:90d}") Duration retention,
                      ApplicationEventPublisher publisher, StoredEventsDemand demand) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.retention = retention;
        this.publisher = publisher;
        this.demand = demand; // only forwarding listens; while it is off nothing is built
    }

    /**
     * Checks the whole batch first (one bad event refuses the batch with its index, and nothing of it
     * is stored), then inserts in one transaction; events the manager already has are counted, not stored again.
     */
    @Transactional
    public EventAck ingest(String agentId, byte[] body) {
        EventBatchReader.Batch batch = EventBatchReader.read(JSON, body);
        if (batch.stream() == null || !STREAM.matcher(batch.stream()).matches() || batch.stream().equals("manager")) {
            throw ApiException.badRequest("bad-stream", "stream", "stream must be 1-32 lower-case letters, digits or '-' (and not 'manager')");
        }
        List<EventBatchReader.Incoming> events = batch.events();
        if (events.size() > ProtocolLimits.MAX_BATCH_EVENTS) {
            throw new ApiException(413, "batch-too-large", "events", "at most " + ProtocolLimits.MAX_BATCH_EVENTS + " events per batch; split it");
        }
        Timestamp received = Timestamp.from(clock.instant());
        List<Object[]> rows = new ArrayList<>(events.size());
        java.util.Set<String> assigned = new java.util.TreeSet<>();
        long prev = 0;
        for (int i = 0; i < events.size(); i++) {
            EventBatchReader.Incoming e = events.get(i);
            String where = "events[" + i + "]";
            if (e == null || e.seq() <= 0 || e.seq() <= prev) {
                throw ApiException.badRequest("bad-seq", where + ".seq", "sequence numbers must be positive and increasing within a batch");
            }
            prev = e.seq();
            Instant time;
            try {
                time = Instant.parse(e.time());
            } catch (DateTimeParseException | NullPointerException ex) {
                throw ApiException.badRequest("bad-time", where + ".time", "time must be an ISO-8601 instant such as 2026-12-04T10:15:30Z");
            }
            String sev = e.severity() == null ? "" : e.severity().toLowerCase(Locale.ROOT);
            int rank = SEVERITIES.indexOf(sev);
            if (rank < 0) {
                throw ApiException.badRequest("bad-severity", where + ".severity", "severity must be one of " + SEVERITIES);
            }
            ObjectNode event = e.event();
            if (event == null) {
                throw ApiException.badRequest("bad-event", where + ".event", "the event object is missing");
            }
            String text = e.eventText();
            if (text.length() > ProtocolLimits.MAX_EVENT_BYTES) {
                throw new ApiException(413, "event-too-large", where + ".event", "an event has at most " + ProtocolLimits.MAX_EVENT_BYTES + " bytes of JSON");
            }
            String ruleId = event.path("ruleId").isTextual() ? event.get("ruleId").asText() : null;
            if (ruleId != null && !isRuleId(ruleId)) {
                throw ApiException.badRequest("bad-rule-id", where + ".event.ruleId", "a rule id is 1-100 letters, digits and ._:/-");
            }
            String kind = token(event.path("kind").asText("event"), 32);
            if (kind.equals("assignment") && event.path("assignRuleId").isTextual()) {
                String assign = event.get("assignRuleId").asText();
                if (!isRuleId(assign)) {
                    throw ApiException.badRequest("bad-rule-id", where + ".event.assignRuleId", "a rule id is 1-100 letters, digits and ._:/-");
                }
                assigned.add(assign);
            }
            String module = token(event.path("module").asText("agent"), 32);
            String summary = summary(event);
            rows.add(new Object[] {agentId, batch.stream(), e.seq(), Timestamp.from(time), received, kind, module, ruleId, rank, summary, text});
        }
        int stored = 0;
        if (!rows.isEmpty()) {
            int[] counts = jdbc.batchUpdate(INSERT, rows);
            boolean announce = demand.wanted();
            List<StoredEvent> fresh = announce ? new ArrayList<>() : null;
            String hostname = announce ? jdbc.queryForObject("select hostname from agent where id = ?", String.class, agentId) : null;
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] > 0) {
                    stored++;
                    if (fresh != null) {
                        Object[] r = rows.get(i);
                        fresh.add(new StoredEvent(0, agentId, hostname, batch.stream(), (Long) r[2], ((Timestamp) r[3]).toInstant(),
                                received.toInstant(), (String) r[5], (String) r[6], (String) r[7], SEVERITIES.get((Integer) r[8]), (String) r[9], null));
                    }
                }
            }
            if (fresh != null && !fresh.isEmpty()) {
                publisher.publishEvent(new EventsStored(fresh));
            }
        }
        if (!assigned.isEmpty()) {
            publisher.publishEvent(new AssignmentsReceived(agentId, assigned));
        }
        long through = events.isEmpty() ? 0 : events.getLast().seq();
        return new EventAck(through, stored, rows.size() - stored);
    }

    /** 1-100 of letters, digits and {@code ._:/-} (a loop: this runs for every event). */
    static boolean isRuleId(String s) {
        if (s.isEmpty() || s.length() > 100) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '/' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Letters, digits and {@code ._-}, others replaced by '_', cut to {@code max}. */
    static String token(String s, int max) {
        if (s == null || s.isEmpty()) {
            return "_";
        }
        int n = Math.min(s.length(), max);
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            out[i] = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' ? c : '_';
        }
        return new String(out);
    }

    private static String summary(JsonNode body) {
        String s = body.path("message").asText("");
        if (s.isEmpty()) {
            s = body.path("reason").asText("");
        }
        int n = Math.min(s.length(), ProtocolLimits.MAX_SUMMARY_CHARS);
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            out[i] = Character.isISOControl(c) ? ' ' : c;
        }
        return new String(out);
    }

    /** An event the manager itself raises about an agent (a missed heartbeat, say), in the agent's {@code manager} stream. */
    @Transactional
    public void raise(String agentId, String kind, String severity, String message) {
        Long seq = jdbc.queryForObject("select nextval('manager_event_seq')", Long.class);
        ObjectNode body = JSON.createObjectNode().put("kind", kind).put("module", "manager").put("severity", severity).put("message", message);
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.update(INSERT, agentId, "manager", seq, now, now, kind, "manager", null, SEVERITIES.indexOf(severity), message, body.toString());
    }

    /** A stored event as the API shows it. */
    public record StoredEvent(long id, String agentId, String hostname, String stream, long seq, Instant time, Instant received,
                              String kind, String module, String ruleId, String severity, String summary, tools.jackson.databind.JsonNode event) {
    }

    /** Filters of {@link #find}; every one optional. {@code text} matches the summary, case-insensitively. */
    public record Query(String agentId, String module, String ruleId, String minSeverity, Instant from, Instant to, String text,
                        int limit, long beforeId) {
    }

    /** The where clause of a query and its arguments (shared by {@link #find} and {@link #count}). */
    private static String where(Query q, List<Object> args) {
        StringBuilder sql = new StringBuilder(" where 1 = 1");
        if (q.agentId() != null) {
            sql.append(" and e.agent_id = ?");
            args.add(q.agentId());
        }
        if (q.module() != null) {
            sql.append(" and e.module = ?");
            args.add(q.module());
        }
        if (q.ruleId() != null) {
            sql.append(" and e.rule_id = ?");
            args.add(q.ruleId());
        }
        if (q.minSeverity() != null) {
            int rank = SEVERITIES.indexOf(q.minSeverity().toLowerCase(Locale.ROOT));
            if (rank < 0) {
                throw ApiException.badRequest("bad-severity", "severity", "severity must be one of " + SEVERITIES);
            }
            sql.append(" and e.severity >= ?");
            args.add(rank);
        }
        if (q.from() != null) {
            sql.append(" and e.event_time >= ?");
            args.add(Timestamp.from(q.from()));
        }
        if (q.to() != null) {
            sql.append(" and e.event_time < ?");
            args.add(Timestamp.from(q.to()));
        }
        if (q.text() != null && !q.text().isBlank()) {
            if (q.text().length() > 200) {
                throw ApiException.badRequest("bad-text", "text", "search text has at most 200 characters");
            }
            sql.append(" and lower(e.summary) like ? escape '\\'");
            args.add("%" + q.text().toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (q.beforeId() > 0) {
            sql.append(" and e.id < ?");
            args.add(q.beforeId());
        }
        return sql.toString();
    }

    public long count(Query q) {
        List<Object> args = new ArrayList<>();
        String w = where(q, args);
        Long n = jdbc.queryForObject("select count(*) from agent_event e" + w, Long.class, args.toArray());
        return n == null ? 0 : n;
    }

    private static final String SELECT = "select e.id, e.agent_id, a.hostname, e.stream, e.seq, e.event_time, e.received_at, e.kind, e.module,"
            + " e.rule_id, e.severity, e.summary, e.body from agent_event e join agent a on a.id = e.agent_id";

    public List<StoredEvent> find(Query q) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder(SELECT);
        sql.append(where(q, args));
        sql.append(" order by e.id desc limit ?");
        args.add(Math.max(1, Math.min(q.limit(), 1000)));
        return jdbc.query(sql.toString(), this::stored, args.toArray());
    }

    /** One stored event by its id. */
    public java.util.Optional<StoredEvent> byId(long id) {
        return jdbc.query(SELECT + " where e.id = ?", this::stored, id)
                .stream().findFirst();
    }

    /** The severity names, lowest first, as events and filters spell them. */
    public static List<String> severities() {
        return SEVERITIES;
    }

    private StoredEvent stored(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        tools.jackson.databind.JsonNode body;
        try {
            body = OUT.readTree(rs.getString(13));
        } catch (tools.jackson.core.JacksonException ex) {
            body = OUT.getNodeFactory().textNode(rs.getString(13));
        }
        return new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant(), rs.getString(8), rs.getString(9), rs.getString(10),
                SEVERITIES.get(rs.getInt(11)), rs.getString(12), body);
    }

    public long count(String agentId, String stream) {
        Long n = jdbc.queryForObject("select count(*) from agent_event where agent_id = ? and stream = ?", Long.class, agentId, stream);
        return n == null ? 0 : n;
    }

    /** Deletes events received before the retention period (default 90 days; {@code bulwark.events.retention}). */
    @Scheduled(fixedDelayString = "${bulwark.events.retention-check:PT1H}", initialDelayString = "PT1M")
    @Transactional
    public int applyRetention() {
        return jdbc.update("delete from agent_event where received_at < ?", Timestamp.from(clock.instant().minus(retention)));
    }
}
