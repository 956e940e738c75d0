package dev.bulwark.manager.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Integrity monitoring under a managed agent: the policy names a tree and a one-minute schedule;
 * the agent process builds the baseline silently, then reports a changed file to the manager as an
 * integrity event, and carries out a rebuild-baseline command.
 */
class AgentIntegrityTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aChangedFileUnderThePolicysTreeReachesTheManager() throws Exception {
        try (RunningManager m = new RunningManager(tmp.resolve("manager"), Map.of()).start(0)) {
            String admin = m.adminKey();
            Path tree = Files.createDirectories(tmp.resolve("watched/etc"));
            Files.writeString(tree.resolve("app.conf"), "listen 80\n");
            Path state = tmp.resolve("agent");
            Path out = tmp.resolve("agent.log");
            String id = AgentProcess.enroll(m, state, out, "fim1");
            AgentProcess.assignPolicy(m, id, "fim", Map.of("integrity.paths", tree.toString(), "integrity.intervalMinutes", "1",
                    "integrity.ruleDeclared", "false", "loginspection.enabled", "false"));
            Process agent = AgentProcess.start(out, "run", "--state", state.toString(), "--interval", "200");
            try {
                assertTrue(AgentProtocolContract.eventually(() -> Files.exists(state.resolve("fim/baseline.fim"))
                        && m.jdbc().queryForObject("select count(*) from agent where id = ? and modules like '%integrity%'", Long.class, id) == 1),
                        "the agent builds the baseline of the policy's tree");
                Files.writeString(tree.resolve("app.conf"), "listen 8080\n");
                long deadline = System.currentTimeMillis() + 120_000;
                long found = 0;
                while (found == 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(1_000);
                    found = m.jdbc().queryForObject("select count(*) from agent_event where agent_id = ? and stream = 'integrity'", Long.class, id);
                }
                assertEquals(1, found, "one change, reported once: " + Files.readString(out));
                JsonNode ev = JSON.readTree(m.jdbc().queryForObject("select body from agent_event where agent_id = ? and stream = 'integrity'", String.class, id));
                assertTrue(ev.toString().contains("app.conf"), ev.toString());

                long cmd = JSON.readTree(m.call("POST", "/api/agents/" + id + "/commands", admin, "{\"kind\":\"rebuild-baseline\"}").body()).get("id").asLong();
                assertTrue(AgentProtocolContract.eventually(() -> m.jdbc().queryForObject(
                        "select count(*) from agent_command where id = ? and outcome = 'done'", Long.class, cmd) == 1), "rebuild-baseline is carried out");
                // the heartbeat tells the manager the baseline's state, for the computer's page
                assertTrue(AgentProtocolContract.eventually(() -> {
                    String counters = m.jdbc().queryForObject("select counters from agent where id = ?", String.class, id);
                    JsonNode c;
                    try {
                        c = JSON.readTree(counters == null ? "{}" : counters);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return c.path("integrity.baselineEntries").asLong() >= 1 && c.path("integrity.lastPass").asLong() > 1_700_000_000L
                            && c.path("integrity.lastPassFailed").asLong(-1) == 0 && c.path("integrity.paths").asLong() == 1;
                }), "the baseline's state reaches the manager: " + m.jdbc().queryForObject("select counters from agent where id = ?", String.class, id));
            } finally {
                agent.destroy();
                agent.waitFor(30, TimeUnit.SECONDS);
                agent.destroyForcibly();
            }
        }
    }
}
