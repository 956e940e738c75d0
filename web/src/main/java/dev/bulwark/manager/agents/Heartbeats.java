package dev.bulwark.manager.agents;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.agent.protocol.Messages.Heartbeat;
import dev.bulwark.agent.protocol.Messages.HeartbeatResponse;
import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.events.EventStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Records heartbeats and raises a {@code heartbeat-missed} event for an agent that has gone quiet:
 * each heartbeat sets when the next is due ({@code missed-after} times the interval the agent was
 * told, which its policy's {@code heartbeat.seconds} decides, at most {@code bulwark.heartbeat.max-seconds}).
 */
@Service
public class Heartbeats {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgentRepository agents;
    private final EventStore events;
    private final Clock clock;
    private final int maxSeconds;
    private final int missedAfter;

    public Heartbeats(AgentRepository agents, EventStore events, Clock clock,
                      @Value("${bulwark.heartbeat.max-seconds:3600}") int maxSeconds,
                      @Value("${bulwark.heartbeat.missed-after:3}") int missedAfter) {
        this.agents = agents;
        this.events = events;
        this.clock = clock;
        this.maxSeconds = maxSeconds;
        this.missedAfter = missedAfter;
    }

    /** The interval an agent is told: its policy's, capped by the manager's maximum. */
    public int interval(int policySeconds) {
        return Math.max(1, Math.min(policySeconds, maxSeconds));
    }

    @Transactional
    public HeartbeatResponse record(String agentId, Heartbeat hb, long bundleVersion, long policyRevision, int intervalSeconds) {
        if (hb == null) {
            throw ApiException.badRequest("bad-heartbeat", null, "a heartbeat body is required");
        }
        String status = hb.status() == null ? "" : hb.status();
        if (!status.matches("[a-z-]{1,32}")) {
            throw ApiException.badRequest("bad-status", "status", "status is 1-32 lower-case letters or '-'");
        }
        List<String> modules = hb.modules() == null ? List.of() : hb.modules();
        if (modules.size() > 16 || !modules.stream().allMatch(m -> m != null && m.matches("[a-z-]{1,32}"))) {
            throw ApiException.badRequest("bad-modules", "modules", "at most 16 module names of lower-case letters or '-'");
        }
        Map<String, Long> counters = hb.counters() == null ? Map.of() : hb.counters();
        if (counters.size() > 200 || !counters.keySet().stream().allMatch(k -> k != null && k.matches("[A-Za-z0-9._-]{1,64}"))) {
            throw ApiException.badRequest("bad-counters", "counters", "at most 200 counters named with letters, digits and ._-");
        }
        Agent a = agents.findById(agentId).orElseThrow(() -> new ApiException(403, "unknown-agent", null, "agent " + agentId + " is not enrolled"));
        String countersJson;
        try {
            countersJson = JSON.writeValueAsString(counters);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        boolean wasMissed = a.heartbeatMissed();
        Instant now = clock.instant();
        a.heartbeat(now, now.plusSeconds((long) intervalSeconds * missedAfter), status, String.join(",", modules), Math.max(0, hb.bundleVersion()), countersJson);
        if (wasMissed) {
            events.raise(agentId, "heartbeat-resumed", "info", "agent " + a.hostname() + " is heartbeating again");
        }
        return new HeartbeatResponse(List.of(), bundleVersion, policyRevision, intervalSeconds);
    }

    /** Every agent whose last heartbeat is older than {@code missed-after} intervals gets one event (until it comes back). */
    @Scheduled(fixedDelayString = "${bulwark.heartbeat.check:PT15S}", initialDelayString = "PT15S")
    @Transactional
    public int checkMissed() {
        List<Agent> quiet = agents.findByActiveTrueAndHeartbeatMissedFalseAndHeartbeatDueBefore(clock.instant());
        for (Agent a : quiet) {
            a.markMissed();
            events.raise(a.id(), "heartbeat-missed", "high", "agent " + a.hostname() + " missed its heartbeats since " + a.lastHeartbeat());
            LOG.warn("agent {} ({}) missed its heartbeats since {}", a.id(), a.hostname(), a.lastHeartbeat());
        }
        return quiet.size();
    }
}
