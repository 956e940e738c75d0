package dev.bulwark.manager.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.protocol.Messages.Heartbeat;
import dev.bulwark.agent.uplink.AgentIdentity;
import dev.bulwark.agent.uplink.ManagerClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The protocol contract on a real PostgreSQL server: {@code BULWARK_TEST_POSTGRES_URL} (with
 * {@code BULWARK_TEST_POSTGRES_USER} and {@code _PASSWORD}); {@code .ci/run} installs and starts one.
 * The schema is emptied first, so Flyway's migrations run from scratch as on a new installation.
 */
@EnabledIfEnvironmentVariable(named = "BULWARK_TEST_POSTGRES_URL", matches = ".+")
public class AgentProtocolOnPostgresqlTest extends AgentProtocolContract {
    @Override
    Map<String, String> database(Path dataDir) {
        return postgres();
    }

    /** Two managers on one database (sharing the signing key, as they must): either serves any version, either can roll back. */
    @Test
    void aSecondManagerOnTheSameDatabaseServesTheSameKnowledgeBases() throws Exception {
        Path dir2 = tmp.resolve("manager2");
        Files.createDirectories(dir2.resolve("keys"));
        for (String f : List.of("bundle-signing.key", "bundle-signing.pub")) {
            Files.copy(manager.dataDir.resolve("keys/" + f), dir2.resolve("keys/" + f));
        }
        HttpResponse<String> published = manager.call("POST", "/api/knowledge-bases", admin, null);
        assertEquals(200, published.statusCode(), published.body());
        long version = JSON.readTree(published.body()).get("version").asLong();
        Files.delete(manager.dataDir.resolve("bundles/bulwark-" + version + ".bkb")); // served from the database from now on
        try (RunningManager second = new RunningManager(dir2, manager.database).start(0)) {
            HttpResponse<String> t = second.call("POST", "/api/enrollment-tokens", admin, "{\"label\":\"m2\"}");
            assertEquals(200, t.statusCode(), t.body());
            Path state = tmp.resolve("agents/on-second");
            ManagerClient.enroll(state, second.url(), JSON.readTree(t.body()).get("token").asText(), "m2", "test");
            ManagerClient agent = new ManagerClient(AgentIdentity.load(state).orElseThrow(), Clock.systemUTC());
            long told = agent.heartbeat(new Heartbeat("running", List.of(), 0, Map.of())).bundleVersion();
            assertTrue(told >= version);
            byte[] bytes = agent.download("/api/agent/bundles/" + version);
            assertEquals(JSON.readTree(published.body()).get("sha256").asText(), dev.bulwark.agent.protocol.RequestSignature.sha256Hex(bytes));
            HttpResponse<String> rolled = second.call("POST", "/api/knowledge-bases/" + version + "/rollback", admin, null);
            assertEquals(200, rolled.statusCode(), rolled.body());
            long newer = JSON.readTree(rolled.body()).get("version").asLong();
            assertTrue(newer > version);
            ManagerClient viaFirst = new ManagerClient(new AgentIdentity(agent.identity().agentId(), manager.url(), agent.identity().keys()),
                    Clock.systemUTC());
            assertTrue(viaFirst.download("/api/agent/bundles/" + newer).length > 0, "the first manager serves what the second published");
        }
    }

    public static Map<String, String> postgres() {
        String url = System.getenv("BULWARK_TEST_POSTGRES_URL");
        String user = System.getenv().getOrDefault("BULWARK_TEST_POSTGRES_USER", "bulwark");
        String password = System.getenv().getOrDefault("BULWARK_TEST_POSTGRES_PASSWORD", "");
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("drop schema if exists public cascade");
            s.execute("create schema public");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reset the test database " + url + ": " + e.getMessage(), e);
        }
        return Map.of("spring.profiles.active", "postgresql", "spring.datasource.url", url, "spring.datasource.username", user,
                "spring.datasource.password", password);
    }
}
