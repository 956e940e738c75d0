package dev.bulwark.manager.console;

import dev.bulwark.manager.agents.Agent;
import dev.bulwark.manager.agents.AgentRepository;
import dev.bulwark.manager.events.EventStore;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The dashboard's figures, each computed by the database (grouped counts over an indexed time range),
 * never by loading events into the manager. The same SQL runs on H2 and PostgreSQL.
 */
@Component
public class ConsoleQueries {
    private final JdbcTemplate jdbc;
    private final AgentRepository agents;
    private final Clock clock;

    public ConsoleQueries(JdbcTemplate jdbc, AgentRepository agents, Clock clock) {
        this.jdbc = jdbc;
        this.agents = agents;
        this.clock = clock;
    }

    /** How a computer is doing, as the console groups them. */
    static String health(Agent a) {
        if (!a.active()) {
            return "deactivated";
        }
        if (a.lastHeartbeat() == null) {
            return "never-seen";
        }
        if (a.heartbeatMissed()) {
            return "offline";
        }
        return "ok".equals(a.status()) || a.status() == null || a.status().isBlank() ? "online" : a.status();
    }

    static final List<String> HEALTH_ORDER = List.of("online", "offline", "never-seen", "deactivated");

    /** Computers per health, in a fixed order (every state shown, with zero), then any other status an agent reported. */
    public Map<String, Long> computersByHealth() {
        Map<String, Long> out = new LinkedHashMap<>();
        HEALTH_ORDER.forEach(h -> out.put(h, 0L));
        for (Agent a : agents.findAll()) {
            out.merge(health(a), 1L, Long::sum);
        }
        return out;
    }

    public record ModuleSeverity(String module, Map<String, Long> bySeverity, long total) {
    }

    /** Events since {@code from}, per module, with a column per severity. */
    public List<ModuleSeverity> eventsByModule(Instant from) {
        Map<String, Map<String, Long>> rows = new TreeMap<>();
        jdbc.query("select module, severity, count(*) from agent_event where event_time >= ? group by module, severity", rs -> {
            Map<String, Long> row = rows.computeIfAbsent(rs.getString(1), m -> {
                Map<String, Long> r = new LinkedHashMap<>();
                EventStore.severities().forEach(s -> r.put(s, 0L));
                return r;
            });
            int sev = rs.getInt(2);
            if (sev >= 0 && sev < EventStore.severities().size()) {
                row.put(EventStore.severities().get(sev), rs.getLong(3));
            }
        }, Timestamp.from(from));
        List<ModuleSeverity> out = new ArrayList<>();
        rows.forEach((m, r) -> out.add(new ModuleSeverity(m, r, r.values().stream().mapToLong(Long::longValue).sum())));
        return out;
    }

    public record Series(long bucketSeconds, List<Long> starts, Map<String, List<Long>> bySeverity) {
    }

    /** Events per time bucket and severity since {@code from} (about 48 buckets over the range), zeros included. */
    public Series eventsOverTime(Instant from, Duration range) {
        long bucket = Math.max(60, range.toSeconds() / 48);
        long first = Math.floorDiv(from.getEpochSecond(), bucket);
        long last = Math.floorDiv(clock.instant().getEpochSecond(), bucket);
        int n = (int) Math.min(1000, last - first + 1);
        List<Long> starts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            starts.add((first + i) * bucket);
        }
        Map<String, List<Long>> series = new LinkedHashMap<>();
        for (String s : EventStore.severities()) {
            List<Long> zeros = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                zeros.add(0L);
            }
            series.put(s, zeros);
        }
        // the bucket width is a number computed here, written into the statement so that the select
        // and the group-by expressions are the same text (H2 does not match two parameters)
        String b = "floor(extract(epoch from event_time) / " + bucket + ")";
        jdbc.query("select " + b + ", severity, count(*) from agent_event where event_time >= ? group by " + b + ", severity", rs -> {
            long i = rs.getLong(1) - first;
            int sev = rs.getInt(2);
            if (i >= 0 && i < n && sev >= 0 && sev < EventStore.severities().size()) {
                series.get(EventStore.severities().get(sev)).set((int) i, rs.getLong(3));
            }
        }, Timestamp.from(from));
        return new Series(bucket, starts, series);
    }

    public record Count(String key, String label, long count) {
    }

    /** The rules that fired most since {@code from}. */
    public List<Count> topRules(Instant from, int limit) {
        return jdbc.query("select rule_id, count(*) c from agent_event where event_time >= ? and rule_id is not null"
                        + " group by rule_id order by c desc, rule_id limit ?",
                (rs, i) -> new Count(rs.getString(1), rs.getString(1), rs.getLong(2)), Timestamp.from(from), limit);
    }

    /** The computers with the most events since {@code from}. */
    public List<Count> topComputers(Instant from, int limit) {
        return jdbc.query("select e.agent_id, a.hostname, count(*) c from agent_event e join agent a on a.id = e.agent_id"
                        + " where e.event_time >= ? group by e.agent_id, a.hostname order by c desc, a.hostname limit ?",
                (rs, i) -> new Count(rs.getString(1), rs.getString(2), rs.getLong(3)), Timestamp.from(from), limit);
    }

    /** How often a rule fired since {@code from}, and on how many computers. */
    public long[] ruleFired(String ruleId, Instant from) {
        return jdbc.queryForObject("select count(*), count(distinct agent_id) from agent_event where rule_id = ? and event_time >= ?",
                (rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}, ruleId, Timestamp.from(from));
    }

    /** The modules an event can come from (the events page's filter); a fixed list, never a scan of the events. */
    public static final List<String> MODULES = List.of("antimalware", "webreputation", "firewall", "intrusionprevention", "integrity",
            "loginspection", "appcontrol", "recommendation", "agent", "manager");
}
