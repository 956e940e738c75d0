package dev.bulwark.agent.uplink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.agent.protocol.Messages.EnrollRequest;
import dev.bulwark.agent.protocol.Messages.EnrollResponse;
import dev.bulwark.agent.protocol.Messages.EventAck;
import dev.bulwark.agent.protocol.Messages.EventBatch;
import dev.bulwark.agent.protocol.Messages.Heartbeat;
import dev.bulwark.agent.protocol.Messages.HeartbeatResponse;
import dev.bulwark.agent.protocol.RequestSignature;
import dev.bulwark.engine.bundle.SigningKeys;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** HTTP calls to the manager; after enrolment every call is signed with the agent's key ({@link RequestSignature}). */
public final class ManagerClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpClient http;
    private final Clock clock;
    private final AgentIdentity identity;

    public ManagerClient(AgentIdentity identity, Clock clock) throws IOException {
        this.identity = identity;
        this.clock = clock;
        this.http = httpClient(AgentIdentity.caFile(identity.state()));
    }

    public AgentIdentity identity() {
        return identity;
    }

    /**
     * Enrols this agent: makes (or reuses) its key pair, presents the one-time token and the public
     * key, and records the identity the manager gives. Refuses when an identity already exists.
     */
    /**
     * The HTTP client: the JVM's trusted CAs, or only the manager CA the agent was enrolled with
     * ({@code identity/manager-ca.pem}); host names are always verified.
     */
    static HttpClient httpClient(Path caFile) throws IOException {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (caFile != null && java.nio.file.Files.exists(caFile)) {
            try (var in = java.nio.file.Files.newInputStream(caFile)) {
                java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
                ks.load(null, null);
                int i = 0;
                for (var c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    ks.setCertificateEntry("manager-ca-" + i++, c);
                }
                if (i == 0) {
                    throw new IOException(caFile + " holds no certificate (PEM)");
                }
                javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
                ctx.init(null, tmf.getTrustManagers(), null);
                b.sslContext(ctx);
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException("cannot use " + caFile + " as the manager's CA: " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    public static EnrollResponse enroll(Path state, URI manager, String token, String hostname, String version) throws IOException {
        return enroll(state, manager, token, hostname, version, null);
    }

    /** Enrols; {@code ca} (PEM), when given, becomes the only CA this agent trusts for the manager. */
    public static EnrollResponse enroll(Path state, URI manager, String token, String hostname, String version, Path ca) throws IOException {
        if (AgentIdentity.load(state).isPresent()) {
            throw new ManagerException(0, "already-enrolled", "this agent is already enrolled (" + state.resolve("identity/agent.json")
                    + "); pass --force to enrol again under a new identity");
        }
        KeyPair keys = AgentIdentity.keyPair(state);
        EnrollRequest req = new EnrollRequest(token, hostname, SigningKeys.publicPem(keys.getPublic()), version,
                System.getProperty("os.name") + " " + System.getProperty("os.version"));
        if (ca != null) {
            java.nio.file.Files.createDirectories(AgentIdentity.dir(state));
            dev.bulwark.agent.store.AtomicFiles.write(AgentIdentity.caFile(state), java.nio.file.Files.readAllBytes(ca));
        }
        HttpClient http = httpClient(AgentIdentity.caFile(state));
        HttpRequest r = HttpRequest.newBuilder(manager.resolve("/api/agent/enroll"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(req))).build();
        EnrollResponse resp = JSON.treeToValue(send(http, r), EnrollResponse.class);
        AgentIdentity.save(state, resp.agentId(), manager);
        return resp;
    }

    /** Moves the current identity aside so that {@link #enroll} can make a new one; returns where it went (null: there was none). */
    public static Path forgetIdentity(Path state) throws IOException {
        return AgentIdentity.retire(state);
    }

    /** Puts back an identity {@link #forgetIdentity} moved aside (a re-enrolment that failed). */
    public static void restoreIdentity(Path state, Path retired) throws IOException {
        AgentIdentity.restore(state, retired);
    }

    public HeartbeatResponse heartbeat(Heartbeat hb) throws IOException {
        return JSON.treeToValue(signed("POST", "/api/agent/heartbeat", JSON.writeValueAsBytes(hb)), HeartbeatResponse.class);
    }

    /**
     * Sends spooled lines as they are (each already a protocol {@code SpooledEvent} in JSON), so the
     * agent does not parse and print again what it wrote: the body is assembled around them.
     */
    public EventAck sendEventLines(String stream, List<String> lines) throws IOException {
        StringBuilder sb = new StringBuilder(lines.stream().mapToInt(String::length).sum() + lines.size() + 64);
        sb.append("{\"stream\":").append(JSON.writeValueAsString(stream)).append(",\"events\":[");
        for (int i = 0; i < lines.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(lines.get(i));
        }
        sb.append("]}");
        return JSON.treeToValue(signed("POST", "/api/agent/events", sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)), EventAck.class);
    }

    public EventAck sendEvents(EventBatch batch) throws IOException {
        return JSON.treeToValue(signed("POST", "/api/agent/events", JSON.writeValueAsBytes(batch)), EventAck.class);
    }

    /** Reports how a command ended: {@code done}, {@code failed} or {@code unsupported}, with a message. */
    public void reportCommand(long id, String outcome, String message) throws IOException {
        byte[] body = JSON.writeValueAsBytes(java.util.Map.of("outcome", outcome, "message", message == null ? "" : message));
        signed("POST", "/api/agent/commands/" + id + "/result", body);
    }

    /** One reputation answer: {@code malicious}, {@code known-good} or {@code unknown}. */
    public record Reputation(String sha256, String verdict, String name) {
    }

    /** Asks the manager's file-reputation service about up to 1,000 SHA-256 hashes (lower-case hex). */
    public List<Reputation> reputation(List<String> sha256) throws IOException {
        JsonNode n = signed("POST", "/api/agent/reputation", JSON.writeValueAsBytes(java.util.Map.of("sha256", sha256)));
        List<Reputation> out = new java.util.ArrayList<>();
        for (JsonNode r : n.path("results")) {
            out.add(new Reputation(r.path("sha256").asText(), r.path("verdict").asText(), r.path("name").asText()));
        }
        return out;
    }

    /** A signed GET returning the raw body (bundles, policies). */
    public byte[] download(String path) throws IOException {
        return exchange(http, signedRequest("GET", path, new byte[0]).GET().build());
    }

    private JsonNode signed(String method, String path, byte[] body) throws IOException {
        HttpRequest r = signedRequest(method, path, body).method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return send(http, r);
    }

    private HttpRequest.Builder signedRequest(String method, String path, byte[] body) {
        long now = clock.millis();
        byte[] nonceBytes = new byte[16];
        RANDOM.nextBytes(nonceBytes);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(nonceBytes);
        String sig = RequestSignature.sign(identity.keys().getPrivate(),
                RequestSignature.canonical(identity.agentId(), method, path, now, nonce, body));
        return HttpRequest.newBuilder(identity.manager().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header(RequestSignature.AGENT, identity.agentId())
                .header(RequestSignature.TIME, Long.toString(now))
                .header(RequestSignature.NONCE, nonce)
                .header(RequestSignature.SIGNATURE, sig);
    }

    private static JsonNode send(HttpClient http, HttpRequest r) throws IOException {
        return JSON.readTree(exchange(http, r));
    }

    /** One call: the body of a 2xx answer, or a typed {@link ManagerException} for every other outcome. */
    private static byte[] exchange(HttpClient http, HttpRequest r) throws IOException {
        try {
            HttpResponse<byte[]> resp = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
            if (resp.statusCode() / 100 != 2) {
                throw refusal(resp.statusCode(), resp.body());
            }
            return resp.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ManagerException(0, "interrupted", "interrupted while talking to " + r.uri());
        } catch (ConnectException | HttpTimeoutException e) {
            throw new ManagerException(0, "unreachable", "manager at " + r.uri() + " unreachable: " + e);
        } catch (javax.net.ssl.SSLException e) {
            throw new ManagerException(0, "tls", "the manager at " + r.uri() + " is not trusted (" + e.getMessage()
                    + "); enrol with --ca FILE naming its CA certificate, or give it a certificate this host trusts");
        } catch (IOException e) {
            if (e instanceof ManagerException) {
                throw e;
            }
            throw new ManagerException(0, "io", "talking to " + r.uri() + ": " + e);
        }
    }

    private static ManagerException refusal(int status, byte[] body) {
        String code = "http-" + status;
        String message = "manager answered " + status;
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.hasNonNull("code")) {
                code = n.get("code").asText();
                message = "manager refused (" + status + " " + code + "): " + n.path("message").asText("");
            }
        } catch (IOException ignored) {
            // not a protocol error body; the status says enough
        }
        return new ManagerException(status, code, message);
    }
}
