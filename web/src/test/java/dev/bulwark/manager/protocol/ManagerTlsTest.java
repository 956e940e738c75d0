package dev.bulwark.manager.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.protocol.Messages.Heartbeat;
import dev.bulwark.agent.uplink.AgentIdentity;
import dev.bulwark.agent.uplink.ManagerClient;
import dev.bulwark.agent.uplink.ManagerException;
import dev.bulwark.manager.agents.Enrollment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manager over HTTPS with its own CA: an agent enrolled with --ca trusts it (and only it); without, it refuses clearly. */
class ManagerTlsTest {
    @TempDir
    Path tmp;

    @Test
    void agentsTrustTheManagersOwnCaAndNothingElse() throws Exception {
        TestCertificates certs = TestCertificates.make(tmp, "manager");
        Path ks = certs.keyStore();
        Path ca = certs.caPem();
        Map<String, String> tls = Map.of("server.ssl.enabled", "true", "server.ssl.key-store", ks.toString(), "server.ssl.key-store-type", "PKCS12",
                "server.ssl.key-store-password", "changeit");
        try (RunningManager m = new RunningManager(tmp.resolve("manager"), tls).start(0)) {
            assertTrue(m.url().toString().startsWith("https://"));
            Enrollment enrollment = m.ctx.getBean(Enrollment.class);
            ManagerException untrusted = assertThrows(ManagerException.class, () -> ManagerClient.enroll(tmp.resolve("plain"), m.url(),
                    enrollment.issue("test", "a", Duration.ofMinutes(5)).token(), "plain", "test"));
            assertEquals("tls", untrusted.code(), untrusted.getMessage());
            assertTrue(untrusted.getMessage().contains("--ca"), "says what to do: " + untrusted.getMessage());

            Path state = tmp.resolve("agent");
            ManagerClient.enroll(state, m.url(), enrollment.issue("test", "b", Duration.ofMinutes(5)).token(), "tls1", "test", ca);
            assertTrue(Files.exists(state.resolve("identity/manager-ca.pem")));
            ManagerClient agent = new ManagerClient(AgentIdentity.load(state).orElseThrow(), Clock.systemUTC());
            assertTrue(agent.heartbeat(new Heartbeat("running", List.of(), 0, Map.of())).heartbeatSeconds() > 0, "signed calls over TLS");
        }
    }
}
