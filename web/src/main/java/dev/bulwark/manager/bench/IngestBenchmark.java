package dev.bulwark.manager.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.protocol.Messages.EventAck;
import dev.bulwark.agent.protocol.Messages.Heartbeat;
import dev.bulwark.agent.uplink.AgentIdentity;
import dev.bulwark.agent.uplink.ManagerClient;
import dev.bulwark.manager.agents.Enrollment;
import dev.bulwark.manager.events.EventStore;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Sustained event ingestion through the agent protocol: {@code agents} enrolled agents heartbeat
 * every {@code heartbeatSeconds} (spread evenly) while {@code senders} threads send signed batches
 * of {@code batch} events, round robin over the agents, for {@code seconds}. Side by side: the same
 * rows inserted straight into the same table by one JDBC batch loop (the database alone, no HTTP,
 * no signature, no checks), reported with the ratio.
 */
public final class IngestBenchmark {

    public record Result(String database, int agents, long events, double seconds, double eventsPerSecond, double rawEventsPerSecond,
                         long heartbeats, double heartbeatP99Millis, double batchP50Millis, double batchP99Millis, long duplicates) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private IngestBenchmark() {
    }

    /** A finding as agents send them: rule, message, evidence and the explaining fact (about 1 KB of JSON). */
    static ObjectNode sampleEvent(long n) {
        ObjectNode e = JSON.createObjectNode().put("kind", "finding").put("ruleId", "LI-SSH-0001").put("module", "loginspection")
                .put("severity", "high").put("message", "SSH brute force from 203.0.113." + (n % 250) + ": 5 failed logins within 60 s");
        e.putObject("evidence").put("srcip", "203.0.113." + (n % 250)).put("user", "root").put("count", "5");
        ObjectNode fact = e.putObject("explanation").put("rulePackage", "rules.loginspection").put("ruleName", "sshd brute force")
                .putArray("facts").addObject().put("type", "LogEvent").putObject("fact");
        fact.put("timestamp", 1_795_676_829_000L + n).put("host", "web1").put("program", "sshd").put("pid", 4242).put("decoder", "sshd")
                .put("action", "failed").put("status", "failure").put("srcIp", "203.0.113." + (n % 250)).put("srcPort", 40_000 + (n % 20_000))
                .put("user", "root").put("raw", "Dec  4 10:15:30 web1 sshd[4242]: Failed password for root from 203.0.113." + (n % 250)
                        + " port " + (40_000 + (n % 20_000)) + " ssh2");
        return e;
    }

    public static Result run(ConfigurableApplicationContext ctx, URI url, String database, Path work, int agents, int senders, int batch,
                             int seconds, int heartbeatSeconds, PrintStream out) throws Exception {
        Enrollment enrollment = ctx.getBean(Enrollment.class);
        JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
        out.printf("enrolling %,d agents through the protocol...%n", agents);
        List<ManagerClient> clients = new ArrayList<>(agents);
        long t0 = System.nanoTime();
        for (int i = 0; i < agents; i++) {
            String token = enrollment.issue("bench", "bench agent " + i, Duration.ofHours(1)).token();
            Path state = work.resolve("agent-" + i);
            ManagerClient.enroll(state, url, token, "bench-" + i, "bench");
            clients.add(new ManagerClient(AgentIdentity.load(state).orElseThrow(), Clock.systemUTC()));
        }
        out.printf("enrolled in %.1f s%n", (System.nanoTime() - t0) / 1e9);

        // events as agents hold them, rendered once (the content varies over 250 source addresses)
        String[] rendered = new String[250];
        String[] messages = new String[250];
        for (int i = 0; i < rendered.length; i++) {
            rendered[i] = sampleEvent(i).toString();
            messages[i] = sampleEvent(i).get("message").asText();
        }

        ScheduledExecutorService beats = Executors.newScheduledThreadPool(2);
        ConcurrentLinkedQueue<Long> beatNanos = new ConcurrentLinkedQueue<>();
        long spreadMicros = heartbeatSeconds * 1_000_000L / agents;
        for (int i = 0; i < agents; i++) {
            ManagerClient c = clients.get(i);
            beats.scheduleAtFixedRate(() -> {
                long s = System.nanoTime();
                try {
                    c.heartbeat(new Heartbeat("running", List.of("loginspection"), 1, Map.of("spool.bytes", 0L)));
                    beatNanos.add(System.nanoTime() - s);
                } catch (IOException e) {
                    beatNanos.add(Long.MAX_VALUE);
                }
            }, i * spreadMicros, heartbeatSeconds * 1_000_000L, TimeUnit.MICROSECONDS);
        }

        AtomicLong stored = new AtomicLong();
        AtomicLong dups = new AtomicLong();
        long[] nextSeq = new long[agents];
        Arrays.fill(nextSeq, 1);
        ConcurrentLinkedQueue<Long> batchNanos = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        for (int t = 0; t < senders; t++) {
            int thread = t;
            pool.submit(() -> {
                int agent = thread;
                while (System.nanoTime() < end) {
                    long first;
                    synchronized (nextSeq) {
                        first = nextSeq[agent];
                        nextSeq[agent] += batch;
                    }
                    // as an agent's spool holds them: one JSON line per event, sent as they are
                    List<String> lines = new ArrayList<>(batch);
                    String now = Instant.now().toString();
                    for (long s = first; s < first + batch; s++) {
                        lines.add("{\"seq\":" + s + ",\"time\":\"" + now + "\",\"severity\":\"high\",\"event\":" + rendered[(int) (s % rendered.length)] + "}");
                    }
                    long s0 = System.nanoTime();
                    try {
                        EventAck ack = clients.get(agent).sendEventLines("logs", lines);
                        stored.addAndGet(ack.stored());
                        dups.addAndGet(ack.duplicates());
                        batchNanos.add(System.nanoTime() - s0);
                    } catch (IOException e) {
                        out.println("batch failed: " + e.getMessage());
                    }
                    agent = (agent + senders) % agents;
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 120L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        beats.shutdownNow();
        beats.awaitTermination(30, TimeUnit.SECONDS);
        // the database alone, measured after, on the table as the protocol run left it: the same rows,
        // a JDBC batch insert loop per thread, for a third of the time
        double raw = rawInsertRate(jdbc, clients.getFirst().identity().agentId(), senders, batch, Math.max(5, seconds / 3), rendered, messages);
        out.printf("database alone (%s, %d threads, batches of %d, after the run): %,.0f events/s%n", database, senders, batch, raw);
        double rate = stored.get() / elapsed;
        Result r = new Result(database, agents, stored.get(), elapsed, rate, raw, beatNanos.size(), percentile(beatNanos, 0.99),
                percentile(batchNanos, 0.50), percentile(batchNanos, 0.99), dups.get());
        out.printf("through the protocol (%s, %d senders, batches of %d, %,d agents heartbeating every %d s): %,d events in %.1f s = %,.0f events/s"
                        + " (%.2f of the database alone); batch p50 %.1f ms, p99 %.1f ms; %,d heartbeats, p99 %.1f ms; %d duplicates%n",
                database, senders, batch, agents, heartbeatSeconds, r.events(), elapsed, rate, rate / raw, r.batchP50Millis(), r.batchP99Millis(),
                r.heartbeats(), r.heartbeatP99Millis(), r.duplicates());
        return r;
    }

    private static double rawInsertRate(JdbcTemplate jdbc, String agentId, int threads, int batch, int seconds, String[] rendered,
                                        String[] messages) throws InterruptedException {
        String sql = EventStore.INSERT;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        AtomicLong n = new AtomicLong();
        AtomicLong seqs = new AtomicLong(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                while (System.nanoTime() < end) {
                    List<Object[]> rows = new ArrayList<>(batch);
                    Timestamp now = Timestamp.from(Instant.now());
                    long first = seqs.getAndAdd(batch);
                    for (long seq = first; seq < first + batch; seq++) {
                        int v = (int) (seq % rendered.length);
                        rows.add(new Object[] {agentId, "raw", seq, now, now, "finding", "loginspection", "LI-SSH-0001", 3, messages[v], rendered[v]});
                    }
                    jdbc.batchUpdate(sql, rows);
                    n.addAndGet(batch);
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 120L, TimeUnit.SECONDS);
        double rate = n.get() / ((System.nanoTime() - start) / 1e9);
        jdbc.update("delete from agent_event where stream = 'raw'");
        return rate;
    }

    static double percentile(ConcurrentLinkedQueue<Long> nanos, double p) {
        long[] v = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v[Math.min(v.length - 1, (int) Math.ceil(p * v.length) - 1)] / 1e6;
    }
}
