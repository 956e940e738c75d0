package dev.bulwark.manager.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak of the manager issue (flag-gated: {@code -Dbulwark.soak=true}; long): a real agent
 * process follows a log that grows by 500 lines a second, each line a finding; the manager is
 * stopped for {@code bulwark.soak.outage} seconds (600 by default) and started again; afterwards
 * every finding is at the manager once (as many as {@code logscan} finds in the whole log, numbers
 * 1..N without a gap). Prints its figures.
 */
@EnabledIfSystemProperty(named = "bulwark.soak", matches = "true")
class ManagerOutageSoakTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final DateTimeFormatter SYSLOG = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);

    @TempDir
    Path tmp;

    @Test
    void aTenMinuteOutageLosesNothingAndDuplicatesNothing() throws Exception {
        int outage = Integer.getInteger("bulwark.soak.outage", 600);
        int rate = Integer.getInteger("bulwark.soak.rate", 500);
        try (RunningManager m = new RunningManager(tmp.resolve("manager"), Map.of()).start(0)) {
            Path state = tmp.resolve("agent");
            Path out = tmp.resolve("agent.log");
            String id = AgentProcess.enroll(m, state, out, "soak");
            Path log = tmp.resolve("auth.log");
            Files.writeString(log, "");
            AgentProcess.assignPolicy(m, id, "soak", Map.of("loginspection.files", log.toString(), "integrity.enabled", "false"));
            // a spool big enough for the outage: rate x outage x about 1.5 KB per finding
            long spool = Math.max(256L << 20, (long) rate * outage * 2048L);
            Process agent = AgentProcess.start(out, "run", "--state", state.toString(), "--interval", "100", "--spool-size", Long.toString(spool));
            try {
                assertTrue(AgentProtocolContract.eventually(() -> m.jdbc().queryForObject(
                        "select count(*) from agent where id = ? and modules like '%loginspection%'", Long.class, id) == 1));
                long lines = 0;
                long t0 = System.nanoTime();
                try (BufferedWriter w = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
                    int port = m.port;
                    long stopAt = 30;                 // seconds into the run
                    long startAt = stopAt + outage;
                    long endAt = startAt + 30;
                    boolean stopped = false;
                    boolean restarted = false;
                    while (true) {
                        double now = (System.nanoTime() - t0) / 1e9;
                        if (!stopped && now >= stopAt) {
                            m.stop();
                            stopped = true;
                            System.out.printf("soak: manager stopped at %.0f s after %,d lines%n", now, lines);
                        }
                        if (stopped && !restarted && now >= startAt) {
                            m.start(port);
                            restarted = true;
                            System.out.printf("soak: manager started again at %.0f s after %,d lines%n", now, lines);
                        }
                        if (now >= endAt) {
                            break;
                        }
                        long due = (long) (now * rate);
                        for (; lines < due; lines++) {
                            String ts = SYSLOG.format(LocalDateTime.now());
                            w.write(ts + " soak sudo: user" + (lines % 1000) + " : user NOT in sudoers ; TTY=pts/" + (lines % 10)
                                    + " ; PWD=/home ; USER=root ; COMMAND=/bin/cat /etc/shadow." + lines + "\n");
                        }
                        w.flush();
                        Thread.sleep(20);
                    }
                }
                Path expectedOut = tmp.resolve("logscan.jsonl");
                AgentProcess.run(expectedOut, "logscan", "--state", state.toString(), "--json", log.toString());
                long expected;
                try (var s = Files.lines(expectedOut)) {
                    expected = s.filter(l -> l.contains("\"ruleId\"")).count();
                }
                long drainStart = System.nanoTime();
                long deadline = System.currentTimeMillis() + 30 * 60_000L;
                long stored = 0;
                while (System.currentTimeMillis() < deadline) {
                    stored = m.jdbc().queryForObject("select count(*) from agent_event where agent_id = ? and stream = 'logs'", Long.class, id);
                    if (stored >= expected) {
                        break;
                    }
                    Thread.sleep(1_000);
                }
                long distinct = m.jdbc().queryForObject("select count(distinct seq) from agent_event where agent_id = ? and stream = 'logs'", Long.class, id);
                Long max = m.jdbc().queryForObject("select max(seq) from agent_event where agent_id = ? and stream = 'logs'", Long.class, id);
                System.out.printf("soak: %,d lines at %d/s, manager away %d s; %,d findings expected (logscan), %,d stored, %,d distinct, highest number %d;"
                        + " drained %.0f s after the last line%n", lines, rate, outage, expected, stored, distinct, max, (System.nanoTime() - drainStart) / 1e9);
                assertEquals(expected, stored, "every finding arrived");
                assertEquals(expected, distinct, "none twice");
                assertEquals(expected, max.longValue(), "no number skipped");
            } finally {
                agent.destroy();
                agent.waitFor(20, TimeUnit.SECONDS);
                agent.destroyForcibly();
            }
        }
    }
}
