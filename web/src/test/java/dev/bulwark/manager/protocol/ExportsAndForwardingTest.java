package dev.bulwark.manager.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.opencsv.CSVReader;
import dev.bulwark.agent.protocol.Messages.EventBatch;
import dev.bulwark.agent.protocol.Messages.SpooledEvent;
import dev.bulwark.agent.uplink.AgentIdentity;
import dev.bulwark.agent.uplink.ManagerClient;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports (CSV, JSON lines, CEF) of events and the audit log, and forwarding of new events to a
 * real TLS syslog listener (a certificate made by keytool, checked by the manager against its CA file).
 */
class ExportsAndForwardingTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void newEventsReachATlsSyslogServerOnceAndExportsCarryEveryField() throws Exception {
        TestCertificates certs = TestCertificates.make(tmp, "syslog");
        Path ks = certs.keyStore();
        Path ca = certs.caPem();

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        List<String> frames = new CopyOnWriteArrayList<>();
        try (SSLServerSocket server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon(true).start(() -> receive(server, frames));
            Map<String, String> props = Map.of("bulwark.syslog.host", "127.0.0.1", "bulwark.syslog.port", Integer.toString(server.getLocalPort()),
                    "bulwark.syslog.tls", "true", "bulwark.syslog.ca-file", ca.toString());
            try (RunningManager m = new RunningManager(tmp.resolve("manager"), props).start(0)) {
                String admin = m.adminKey();
                String token = JSON.readTree(m.call("POST", "/api/enrollment-tokens", admin, "{\"label\":\"x\"}").body()).get("token").asText();
                Path state = tmp.resolve("agent");
                ManagerClient.enroll(state, m.url(), token, "web|1", "test");
                ManagerClient agent = new ManagerClient(AgentIdentity.load(state).orElseThrow(), Clock.systemUTC());
                List<SpooledEvent> events = List.of(event(1, "high", "=cmd|' /C calc'!A0"), event(2, "critical", "a|b=c\nforged=1"),
                        event(3, "low", "<script>alert(1)</script>"));
                agent.sendEvents(new EventBatch("logs", events));
                agent.sendEvents(new EventBatch("logs", events)); // a retry: stored once, forwarded once

                assertTrue(AgentProtocolContract.eventually(() -> frames.size() >= 3), "forwarded: " + frames);
                Thread.sleep(1_000);
                assertEquals(3, frames.size(), "each stored event is forwarded once: " + frames);
                String critical = frames.stream().filter(f -> f.contains("a\\|b")).findFirst().orElseThrow();
                assertTrue(critical.startsWith("<130>1 "), "local0.crit: " + critical);
                assertTrue(critical.contains("CEF:0|Bulwark|Bulwark Manager|0.1.0|LI-SSH-0001|a\\|b=c forged=1|10|"), critical);
                assertTrue(critical.endsWith("msg=a|b\\=c forged\\=1"), "extension values cannot forge fields: " + critical);
                assertEquals(1, critical.lines().count(), "one line per event");
                assertTrue(critical.contains("dvchost=web|1"), critical);

                HttpResponse<String> csv = m.call("GET", "/api/events/export?format=csv", admin, null);
                assertEquals(200, csv.statusCode());
                assertTrue(csv.headers().firstValue("Content-Disposition").orElse("").contains("bulwark-events.csv"));
                List<String[]> rows = new CSVReader(new StringReader(csv.body())).readAll();
                assertEquals(4, rows.size(), "a header and three events");
                assertEquals("summary", rows.get(0)[11]);
                assertTrue(rows.stream().anyMatch(r -> r[11].equals("'=cmd|' /C calc'!A0")), "a formula cell is defused");
                assertTrue(rows.stream().anyMatch(r -> r[11].equals("a|b=c forged=1")), "control characters became spaces in the summary");
                String cef = m.call("GET", "/api/events/export?format=cef&severity=high", admin, null).body();
                assertEquals(2, cef.lines().count(), cef);
                String jsonl = m.call("GET", "/api/events/export?format=json&rule=LI-SSH-0001", admin, null).body();
                assertEquals(3, jsonl.lines().count());
                assertEquals("<script>alert(1)</script>", JSON.readTree(jsonl.lines().filter(l -> l.contains("script")).findFirst().orElseThrow())
                        .get("summary").asText());
                assertEquals(400, m.call("GET", "/api/events/export?format=xlsx", admin, null).statusCode());

                String audit = m.call("GET", "/api/audit/export?format=csv", admin, null).body();
                List<String[]> entries = new CSVReader(new StringReader(audit)).readAll();
                assertEquals("hash", entries.get(0)[8]);
                assertTrue(entries.size() >= 5, "bootstrap, token and enrolment entries: " + entries.size());
                String analyst = JSON.readTree(m.call("POST", "/api/api-keys", admin, "{\"label\":\"soc\",\"role\":\"analyst\"}").body()).get("key").asText();
                assertEquals(403, m.call("GET", "/api/audit/export", analyst, null).statusCode());
                assertEquals(200, m.call("GET", "/api/events/export", analyst, null).statusCode());
            }
        }
    }

    static SpooledEvent event(long seq, String severity, String message) {
        ObjectNode e = JSON.createObjectNode().put("kind", "finding").put("ruleId", "LI-SSH-0001").put("module", "loginspection")
                .put("severity", severity).put("message", message);
        return new SpooledEvent(seq, Instant.now().toString(), severity, e);
    }

    /** Reads octet-counted frames (RFC 6587: "LEN SP MSG") from every connection. */
    static void receive(SSLServerSocket server, List<String> frames) {
        while (!server.isClosed()) {
            try (var s = server.accept(); InputStream in = new BufferedInputStream(s.getInputStream())) {
                while (true) {
                    int len = 0;
                    int c;
                    while ((c = in.read()) != ' ') {
                        if (c < 0) {
                            throw new IOException("closed");
                        }
                        len = len * 10 + (c - '0');
                    }
                    frames.add(new String(in.readNBytes(len), StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the connection ended; wait for the next one
            }
        }
    }

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }
}
