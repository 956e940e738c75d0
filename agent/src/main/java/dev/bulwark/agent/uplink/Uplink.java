package dev.bulwark.agent.uplink;

import dev.bulwark.agent.protocol.Messages.EventAck;
import dev.bulwark.agent.protocol.Messages.Heartbeat;
import dev.bulwark.agent.protocol.Messages.HeartbeatResponse;
import dev.bulwark.agent.protocol.ProtocolLimits;
import dev.bulwark.agent.spool.EventSpool;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Sends heartbeats on schedule and drains every stream's spool to the manager, oldest first; an
 * event leaves the spool only when the manager has acknowledged its number. While the manager is
 * unreachable the spools grow (bounded) and the uplink retries with backoff up to a minute.
 */
public final class Uplink {

    private final ManagerClient client;
    private final Map<String, EventSpool> spools;
    private final Supplier<Heartbeat> status;
    private final Clock clock;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile String lastError = "";
    private volatile HeartbeatResponse lastHeartbeat;
    private long heartbeatMillis = 30_000;
    private long nextHeartbeat;
    private ManagedState managed;

    public Uplink(ManagerClient client, Map<String, EventSpool> spools, Supplier<Heartbeat> status, Clock clock) {
        this.client = client;
        this.spools = new LinkedHashMap<>(spools);
        this.status = status;
        this.clock = clock;
    }

    /** Sends one batch per stream that has events waiting; returns how many events were acknowledged. */
    public int drainOnce() throws IOException {
        int acked = 0;
        for (Map.Entry<String, EventSpool> e : spools.entrySet()) {
            List<String> batch = e.getValue().pendingLines(1_000, ProtocolLimits.MAX_BODY_BYTES / 2);
            if (batch.isEmpty()) {
                continue;
            }
            EventAck ack = client.sendEventLines(e.getKey(), batch);
            long last = EventSpool.seqOf(batch.getLast());
            if (ack.ackedThrough() < last) {
                throw new ManagerException(200, "short-ack", "the manager acknowledged " + e.getKey() + " only through "
                        + ack.ackedThrough() + " of " + last + "; will resend the rest");
            }
            e.getValue().acknowledge(last);
            sent.addAndGet(ack.stored());
            duplicates.addAndGet(ack.duplicates());
            acked += batch.size();
        }
        return acked;
    }

    /** After each heartbeat, fetch the policy and knowledge base the answer names (when they are newer). */
    public Uplink following(ManagedState state) {
        this.managed = state;
        return this;
    }

    /** Sends a heartbeat now, then brings policy and knowledge base up to date; returns the manager's answer. */
    public HeartbeatResponse heartbeat() throws IOException {
        HeartbeatResponse r = client.heartbeat(status.get());
        lastHeartbeat = r;
        if (r.heartbeatSeconds() > 0) {
            heartbeatMillis = r.heartbeatSeconds() * 1000L;
        }
        if (managed != null) {
            managed.sync(r, client);
        }
        return r;
    }

    /** Runs until {@code keepGoing} says stop: heartbeat when due, drain, back off on failures. */
    public void run(Supplier<Boolean> keepGoing) throws InterruptedException {
        long backoff = 0;
        while (keepGoing.get()) {
            try {
                if (clock.millis() >= nextHeartbeat) {
                    heartbeat();
                    nextHeartbeat = clock.millis() + heartbeatMillis;
                }
                int n = drainOnce();
                backoff = 0;
                if (n == 0) {
                    Thread.sleep(200);
                }
            } catch (ManagerException e) {
                failures.incrementAndGet();
                lastError = e.getMessage();
                backoff = backoff == 0 ? 500 : Math.min(60_000, backoff * 2);
                Thread.sleep(backoff);
            } catch (IOException e) {
                failures.incrementAndGet();
                lastError = "spool: " + e.getMessage();
                backoff = backoff == 0 ? 500 : Math.min(60_000, backoff * 2);
                Thread.sleep(backoff);
            }
        }
    }

    /** Counters for the heartbeat: {@code uplink.*} and each stream's {@code STREAM.spool.*}. */
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("uplink.stored", sent.get());
        c.put("uplink.duplicates", duplicates.get());
        c.put("uplink.failures", failures.get());
        for (Map.Entry<String, EventSpool> e : spools.entrySet()) {
            e.getValue().counters().forEach((k, v) -> c.put(e.getKey() + "." + k, v));
        }
        return c;
    }

    public String lastError() {
        return lastError;
    }

    public HeartbeatResponse lastHeartbeat() {
        return lastHeartbeat;
    }
}
