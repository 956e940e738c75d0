package dev.bulwark.manager.protocol;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The protocol contract on a real PostgreSQL server: {@code BULWARK_TEST_POSTGRES_URL} (with
 * {@code BULWARK_TEST_POSTGRES_USER} and {@code _PASSWORD}); {@code .ci/run} installs and starts one.
 * The schema is emptied first, so Flyway's migrations run from scratch as on a new installation.
 */
@EnabledIfEnvironmentVariable(named = "BULWARK_TEST_POSTGRES_URL", matches = ".+")
class AgentProtocolOnPostgresqlTest extends AgentProtocolContract {
    @Override
    Map<String, String> database(Path dataDir) {
        return postgres();
    }

    static Map<String, String> postgres() {
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
