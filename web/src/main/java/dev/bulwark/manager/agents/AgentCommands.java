package dev.bulwark.manager.agents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.agent.protocol.Messages.Command;
import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.audit.AuditLog;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Commands for agents. Queued by people (audited), handed to the agent with its next heartbeat
 * answer (and again if it has not reported within ten minutes: a lost answer is not a lost
 * command), finished by the agent's report of {@code done}, {@code failed} or {@code unsupported}.
 * An agent can report only on its own commands.
 */
@Service
public class AgentCommands {
    public static final Set<String> KINDS = Set.of("scan-now", "rebuild-baseline", "recommendation-scan", "approve", "block");
    /** The kinds that change what a computer may run: they take a sha256 or a path, and only admins send them. */
    public static final Set<String> DECISIONS = Set.of("approve", "block");
    public static final Set<String> OUTCOMES = Set.of("done", "failed", "unsupported");
    private static final Duration REDELIVER = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcTemplate jdbc;
    private final AgentRepository agents;
    private final AuditLog audit;
    private final Clock clock;

    public AgentCommands(JdbcTemplate jdbc, AgentRepository agents, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.agents = agents;
        this.audit = audit;
        this.clock = clock;
    }

    public record CommandView(long id, String agentId, String kind, Map<String, String> arguments, String createdBy, Instant createdAt,
                              Instant deliveredAt, Instant finishedAt, String outcome, String message) {
    }

    @Transactional
    public CommandView queue(String actor, String agentId, String kind, Map<String, String> arguments) {
        Agent a = agents.findById(agentId).orElseThrow(() -> new ApiException(404, "no-such-agent", "id", "no agent " + agentId));
        if (!a.active()) {
            throw new ApiException(409, "agent-inactive", "id", "agent " + agentId + " is deactivated");
        }
        if (kind == null || !KINDS.contains(kind)) {
            throw ApiException.badRequest("bad-kind", "kind", "a command is one of " + new java.util.TreeSet<>(KINDS));
        }
        Map<String, String> args = arguments == null ? Map.of() : arguments;
        if (args.size() > 20 || args.entrySet().stream().anyMatch(e -> e.getKey() == null || !e.getKey().matches("[a-zA-Z][a-zA-Z0-9-]{0,31}")
                || e.getValue() == null || e.getValue().length() > 4096)) {
            throw ApiException.badRequest("bad-arguments", "arguments", "at most 20 arguments, names of letters, digits and '-', values up to 4,096 characters");
        }
        if (DECISIONS.contains(kind)) {
            String hash = args.get("sha256");
            String path = args.get("path");
            if ((hash == null) == (path == null) || hash != null && !hash.matches("[0-9a-f]{64}")
                    || path != null && (!path.startsWith("/") || path.chars().anyMatch(Character::isISOControl))) {
                throw ApiException.badRequest("bad-arguments", "arguments", kind + " takes exactly one of sha256 (64 lower-case hex digits) or path (absolute)");
            }
        }
        String argsJson = json(new TreeMap<>(args));
        Instant now = clock.instant();
        org.springframework.jdbc.support.GeneratedKeyHolder keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.update(con -> {
            var ps = con.prepareStatement("insert into agent_command (agent_id, kind, arguments, created_by, created_at) values (?, ?, ?, ?, ?)",
                    new String[] {"id"});
            ps.setString(1, agentId);
            ps.setString(2, kind);
            ps.setString(3, argsJson);
            ps.setString(4, actor);
            ps.setTimestamp(5, Timestamp.from(now));
            return ps;
        }, keys);
        long id = keys.getKey().longValue();
        audit.record(actor, "agent.command", "agent/" + agentId, null, "command=" + id + " kind=" + kind + " arguments=" + argsJson);
        return find(id);
    }

    /** Open commands for the agent, marked delivered; those delivered long ago without a report go again. */
    @Transactional
    public List<Command> deliver(String agentId) {
        Instant now = clock.instant();
        List<Command> open = jdbc.query("select id, kind, arguments from agent_command where agent_id = ? and finished_at is null"
                        + " and (delivered_at is null or delivered_at < ?) order by id limit 20",
                (rs, n) -> new Command(rs.getLong(1), rs.getString(2), parse(rs.getString(3))), agentId, Timestamp.from(now.minus(REDELIVER)));
        for (Command c : open) {
            jdbc.update("update agent_command set delivered_at = ? where id = ?", Timestamp.from(now), c.id());
        }
        return open;
    }

    @Transactional
    public void finish(String agentId, long id, String outcome, String message) {
        if (outcome == null || !OUTCOMES.contains(outcome)) {
            throw ApiException.badRequest("bad-outcome", "outcome", "outcome is done, failed or unsupported");
        }
        String msg = message == null ? "" : message.length() > 1000 ? message.substring(0, 1000) : message;
        int n = jdbc.update("update agent_command set finished_at = ?, outcome = ?, message = ? where id = ? and agent_id = ? and finished_at is null",
                Timestamp.from(clock.instant()), outcome, msg, id, agentId);
        if (n == 0) {
            Long owner = jdbc.queryForObject("select count(*) from agent_command where id = ? and agent_id = ?", Long.class, id, agentId);
            if (owner == null || owner == 0) {
                throw new ApiException(404, "no-such-command", "id", "no command " + id + " for this agent");
            }
            return; // reported twice: the first report stands
        }
        audit.record("agent:" + agentId, "agent.command-result", "agent/" + agentId, null, "command=" + id + " outcome=" + outcome + " " + msg);
    }

    public CommandView find(long id) {
        return jdbc.queryForObject("select id, agent_id, kind, arguments, created_by, created_at, delivered_at, finished_at, outcome, message"
                + " from agent_command where id = ?", (rs, n) -> view(rs), id);
    }

    public List<CommandView> forAgent(String agentId) {
        return jdbc.query("select id, agent_id, kind, arguments, created_by, created_at, delivered_at, finished_at, outcome, message"
                + " from agent_command where agent_id = ? order by id desc limit 200", (rs, n) -> view(rs), agentId);
    }

    private static CommandView view(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new CommandView(rs.getLong(1), rs.getString(2), rs.getString(3), parse(rs.getString(4)), rs.getString(5),
                rs.getTimestamp(6).toInstant(), instant(rs.getTimestamp(7)), instant(rs.getTimestamp(8)), rs.getString(9), rs.getString(10));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static String json(Map<String, String> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> parse(String s) {
        try {
            return JSON.readValue(s, new TypeReference<TreeMap<String, String>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
