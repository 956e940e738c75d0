package dev.bulwark.manager.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Application control under a managed agent, for real (root, fanotify): the policy turns it on in
 * prevent mode over a temporary tree (so nothing else on the machine is held); the agent builds the
 * inventory, then an inventoried binary runs and an unknown one fails with EPERM; the block reaches
 * the manager as an event with the executable's hash, user and parent; an admin's approval sent as
 * a command lets it run; the heartbeat carries the enforcement counters; and stopping the agent
 * leaves exec working.
 */
class AgentAppControlTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void unknownSoftwareIsBlockedReportedAndRunsOnceAnAdminApprovesIt() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "fanotify exec permission events need root (CI runs as root)");
        Path apps = Files.createDirectories(tmp.resolve("apps"));
        Files.copy(Path.of("/bin/true"), apps.resolve("tool"), StandardCopyOption.COPY_ATTRIBUTES);
        try (RunningManager m = new RunningManager(tmp.resolve("manager"), Map.of()).start(0)) {
            String admin = m.adminKey();
            Path state = tmp.resolve("agent");
            Path out = tmp.resolve("agent.log");
            String id = AgentProcess.enroll(m, state, out, "ac1");
            AgentProcess.assignPolicy(m, id, "ac", Map.of("appcontrol.enabled", "true", "appcontrol.mode", "prevent", "appcontrol.scope", apps.toString(),
                    "appcontrol.inventoryRoots", apps.toString(), "loginspection.enabled", "false", "integrity.enabled", "false",
                    "heartbeat.seconds", "5"));
            Process agent = AgentProcess.start(out, "run", "--state", state.toString(), "--interval", "200");
            Path dropped = apps.resolve("dropped");
            try {
                assertTrue(AgentProtocolContract.eventually(() -> AgentAntimalwareTest.read(out).contains("application control: blocking unrecognised execs")),
                        "the inventory is built, then enforcement starts: " + AgentAntimalwareTest.read(out));
                JsonNode built = AgentAntimalwareTest.events(m, id, "appcontrol").stream()
                        .filter(e -> e.path("kind").asText().equals("inventory-built")).findFirst().orElseThrow();
                assertEquals(1, built.path("executables").asLong(), built.toString());

                assertEquals("rc=0", run(apps.resolve("tool")), "an inventoried binary runs");
                Files.copy(Path.of("/bin/false"), dropped, StandardCopyOption.COPY_ATTRIBUTES);
                Files.write(dropped, new byte[] {7}, StandardOpenOption.APPEND); // content nothing inventoried has
                String blocked = run(dropped);
                assertTrue(blocked.contains("Operation not permitted") && blocked.endsWith("rc=126"), blocked);

                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dropped)));
                assertTrue(AgentProtocolContract.eventually(() -> AgentAntimalwareTest.events(m, id, "appcontrol").stream()
                        .anyMatch(e -> "AC-EXEC-0002".equals(e.path("ruleId").asText()))), "the block is reported: " + AgentAntimalwareTest.read(out));
                JsonNode event = AgentAntimalwareTest.events(m, id, "appcontrol").stream()
                        .filter(e -> "AC-EXEC-0002".equals(e.path("ruleId").asText())).findFirst().orElseThrow();
                assertEquals("blocked", event.path("verdict").asText(), event.toString());
                assertEquals(dropped.toString(), event.path("evidence").path("path").asText());
                assertEquals(sha, event.path("evidence").path("sha256").asText());
                assertEquals("root", event.path("evidence").path("user").asText());
                assertEquals("/usr/bin/dash", Path.of(event.path("evidence").path("parent").asText()).toRealPath().toString(),
                        "the shell that tried it: " + event);

                var cmd = m.call("POST", "/api/agents/" + id + "/commands", admin,
                        JSON.writeValueAsString(Map.of("kind", "approve", "arguments", Map.of("sha256", sha, "note", "vendor tool"))));
                assertEquals(200, cmd.statusCode(), cmd.body());
                long cmdId = JSON.readTree(cmd.body()).get("id").asLong();
                assertTrue(AgentProtocolContract.eventually(() -> m.jdbc().queryForObject(
                        "select count(*) from agent_command where id = ? and outcome = 'done'", Long.class, cmdId) == 1), "the approval is carried out");
                assertTrue(AgentProtocolContract.eventually(quietly(() -> run(dropped).equals("rc=1"))), "approved: /bin/false runs (and fails, as it should)");

                assertTrue(AgentProtocolContract.eventually(quietly(() -> {
                    JsonNode c = JSON.readTree(m.jdbc().queryForObject("select counters from agent where id = ?", String.class, id));
                    return c.path("appcontrol.enforcing").asLong() == 1 && c.path("appcontrol.approved").asLong() == 1
                            && c.path("appcontrol.inventoryEntries").asLong() == 1 && c.path("appcontrol.decided").asLong() >= 2;
                })), "the heartbeat carries enforcement's state: " + m.jdbc().queryForObject("select counters from agent where id = ?", String.class, id));
            } finally {
                agent.destroy();
                assertTrue(agent.waitFor(30, TimeUnit.SECONDS));
            }
            Path another = Files.copy(Path.of("/bin/false"), apps.resolve("another"), StandardCopyOption.COPY_ATTRIBUTES);
            Files.write(another, new byte[] {8}, StandardOpenOption.APPEND);
            assertEquals("rc=1", run(another), "with the agent stopped the kernel allows exec again");
        }
    }

    static java.util.function.BooleanSupplier quietly(java.util.concurrent.Callable<Boolean> check) {
        return () -> {
            try {
                return check.call();
            } catch (Exception e) {
                return false;
            }
        };
    }

    static String run(Path program) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", program + "; echo rc=$?").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.trim();
    }
}
