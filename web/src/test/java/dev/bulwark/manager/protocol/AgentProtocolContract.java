package dev.bulwark.manager.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.protocol.Messages.EventAck;
import dev.bulwark.agent.protocol.Messages.EventBatch;
import dev.bulwark.agent.protocol.Messages.Heartbeat;
import dev.bulwark.agent.protocol.Messages.SpooledEvent;
import dev.bulwark.agent.protocol.RequestSignature;
import dev.bulwark.agent.uplink.AgentIdentity;
import dev.bulwark.agent.antimalware.ReputationCache;
import dev.bulwark.agent.uplink.ManagerClient;
import dev.bulwark.agent.uplink.ManagerException;
import dev.bulwark.engine.bundle.SigningKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent protocol against a real manager, the same on every database: enrolment, signatures,
 * exactly-once events, roles, the audit chain. Subclasses name the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AgentProtocolContract {
    static final ObjectMapper JSON = new ObjectMapper();

    Path tmp;
    RunningManager manager;
    String admin;

    abstract Map<String, String> database(Path dataDir);

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        tmp = dir;
        manager = new RunningManager(tmp.resolve("manager"), database(tmp.resolve("manager"))).start(0);
        admin = manager.adminKey();
    }

    @AfterAll
    void stop() {
        manager.close();
    }

    String token(long ttlSeconds) throws Exception {
        HttpResponse<String> r = manager.call("POST", "/api/enrollment-tokens", admin, "{\"label\":\"test\",\"ttlSeconds\":" + ttlSeconds + "}");
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("token").asText();
    }

    ManagerClient enrolled(String name) throws Exception {
        Path state = tmp.resolve("agents/" + name);
        ManagerClient.enroll(state, manager.url(), token(600), name, "test");
        return new ManagerClient(AgentIdentity.load(state).orElseThrow(), Clock.systemUTC());
    }

    static List<SpooledEvent> events(long from, int n, String message) {
        List<SpooledEvent> out = new ArrayList<>();
        for (long s = from; s < from + n; s++) {
            ObjectNode e = JSON.createObjectNode().put("kind", "finding").put("ruleId", "LI-SSH-0001").put("module", "loginspection")
                    .put("severity", "high").put("message", message + " #" + s);
            out.add(new SpooledEvent(s, Instant.now().toString(), "high", e));
        }
        return out;
    }

    @Test
    void enrolmentTokensWorkOnceAndExpire() throws Exception {
        String t = token(600);
        ManagerClient.enroll(tmp.resolve("once"), manager.url(), t, "once", "test");
        ManagerException reused = assertThrows(ManagerException.class,
                () -> ManagerClient.enroll(tmp.resolve("twice"), manager.url(), t, "twice", "test"));
        assertEquals("token-used", reused.code());
        String shortLived = token(1);
        Thread.sleep(1_300);
        assertEquals("token-expired", assertThrows(ManagerException.class,
                () -> ManagerClient.enroll(tmp.resolve("late"), manager.url(), shortLived, "late", "test")).code());
        assertEquals("bad-token", assertThrows(ManagerException.class,
                () -> ManagerClient.enroll(tmp.resolve("forged"), manager.url(), "bwe_made-up", "forged", "test")).code());
        HttpResponse<String> badKey = manager.call("POST", "/api/agent/enroll", null,
                "{\"token\":\"" + token(60) + "\",\"hostname\":\"h\",\"publicKeyPem\":\"not a key\",\"agentVersion\":\"1\",\"os\":\"x\"}");
        assertEquals(400, badKey.statusCode());
        assertEquals("publicKeyPem", JSON.readTree(badKey.body()).get("field").asText());
        HttpResponse<String> unknownField = manager.call("POST", "/api/agent/enroll", null, "{\"token\":\"x\",\"admin\":true}");
        assertEquals(400, unknownField.statusCode(), "unknown fields are refused, not ignored");
    }

    @Test
    void eventsAreStoredExactlyOnceWhateverTheyContain() throws Exception {
        ManagerClient agent = enrolled("web1");
        String hostile = "'; drop table agent_event; -- <script>alert(1)</script> \u0000\u202e";
        EventAck first = agent.sendEvents(new EventBatch("logs", events(1, 100, hostile)));
        assertEquals(new EventAck(100, 100, 0), first);
        EventAck retry = agent.sendEvents(new EventBatch("logs", events(1, 100, hostile)));
        assertEquals(new EventAck(100, 0, 100), retry, "a retry stores nothing twice");
        EventAck overlap = agent.sendEvents(new EventBatch("logs", events(51, 100, hostile)));
        assertEquals(new EventAck(150, 50, 50), overlap);
        String id = agent.identity().agentId();
        assertEquals(150, manager.jdbc().queryForObject("select count(*) from agent_event where agent_id = ? and stream = 'logs'", Long.class, id));
        HttpResponse<String> found = manager.call("GET", "/api/events?agent=" + id + "&text=drop%20table&limit=5", admin, null);
        JsonNode list = JSON.readTree(found.body());
        assertEquals(5, list.size());
        assertTrue(list.get(0).get("summary").asText().contains("<script>"), "text is stored as given; escaping is the renderer's job");

        ManagerException badSeq = assertThrows(ManagerException.class, () -> agent.sendEvents(new EventBatch("logs",
                List.of(events(200, 1, "a").getFirst(), events(199, 1, "b").getFirst()))));
        assertEquals("bad-seq", badSeq.code());
        assertEquals(150, manager.jdbc().queryForObject("select count(*) from agent_event where agent_id = ?", Long.class, id),
                "a refused batch stores nothing");
        assertEquals("bad-stream", assertThrows(ManagerException.class,
                () -> agent.sendEvents(new EventBatch("manager", events(1, 1, "x")))).code(), "agents cannot write the manager's stream");
        String big = "x".repeat(70_000);
        assertEquals(413, assertThrows(ManagerException.class,
                () -> agent.sendEvents(new EventBatch("logs", events(300, 1, big)))).status());
    }

    @Test
    void onlyTheAgentItselfCanSpeakForIt() throws Exception {
        ManagerClient victim = enrolled("victim");
        victim.heartbeat(new Heartbeat("running", List.of("loginspection"), 7, Map.of("x", 1L)));
        String id = victim.identity().agentId();
        // another agent's key, the victim's id: refused
        ManagerClient attacker = enrolled("attacker");
        ManagerClient forged = new ManagerClient(new AgentIdentity(id, manager.url(), attacker.identity().keys()), Clock.systemUTC());
        assertEquals("bad-signature", assertThrows(ManagerException.class, () -> forged.sendEvents(new EventBatch("logs", events(1, 1, "f")))).code());
        // a captured request sent again: refused
        byte[] body = JSON.writeValueAsBytes(new Heartbeat("running", List.of(), 7, Map.of()));
        long now = System.currentTimeMillis();
        String nonce = "n0nce-n0nce-n0nce-1";
        String sig = RequestSignature.sign(victim.identity().keys().getPrivate(),
                RequestSignature.canonical(id, "POST", "/api/agent/heartbeat", now, nonce, body));
        assertEquals(200, raw(id, now, nonce, sig, body).statusCode());
        HttpResponse<String> replay = raw(id, now, nonce, sig, body);
        assertEquals(401, replay.statusCode());
        assertTrue(replay.body().contains("replayed"), replay.body());
        // an altered body under the old signature: refused
        byte[] altered = JSON.writeValueAsBytes(new Heartbeat("running", List.of(), 8, Map.of()));
        assertTrue(raw(id, now, "n0nce-n0nce-n0nce-2", sig, altered).body().contains("bad-signature"));
        // a stale request: refused
        long old = now - 10 * 60_000;
        String oldSig = RequestSignature.sign(victim.identity().keys().getPrivate(),
                RequestSignature.canonical(id, "POST", "/api/agent/heartbeat", old, "n0nce-n0nce-n0nce-3", body));
        assertTrue(raw(id, old, "n0nce-n0nce-n0nce-3", oldSig, body).body().contains("stale-request"));
        // an API key on the agent protocol, and an agent on the user API: refused
        assertEquals(403, manager.call("POST", "/api/agent/heartbeat", admin, "{}").statusCode());
        assertEquals(401, manager.call("GET", "/api/agents", null, null).statusCode());
        // deactivated: refused from then on
        assertEquals(200, manager.call("POST", "/api/agents/" + id + "/deactivate", admin, null).statusCode());
        assertEquals("unknown-agent", assertThrows(ManagerException.class,
                () -> victim.heartbeat(new Heartbeat("running", List.of(), 7, Map.of()))).code());
    }

    HttpResponse<String> raw(String id, long time, String nonce, String sig, byte[] body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(manager.url().resolve("/api/agent/heartbeat")).header("Content-Type", "application/json")
                .header(RequestSignature.AGENT, id).header(RequestSignature.TIME, Long.toString(time))
                .header(RequestSignature.NONCE, nonce).header(RequestSignature.SIGNATURE, sig)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rolesLimitWhatAKeyMayDo() throws Exception {
        HttpResponse<String> made = manager.call("POST", "/api/api-keys", admin, "{\"label\":\"audit team\",\"role\":\"auditor\"}");
        assertEquals(200, made.statusCode(), made.body());
        String auditor = JSON.readTree(made.body()).get("key").asText();
        assertEquals(200, manager.call("GET", "/api/events", auditor, null).statusCode());
        assertEquals(200, manager.call("GET", "/api/audit/verify", auditor, null).statusCode());
        assertEquals(403, manager.call("POST", "/api/enrollment-tokens", auditor, "{\"label\":\"x\"}").statusCode());
        assertEquals(403, manager.call("POST", "/api/api-keys", auditor, "{\"label\":\"x\",\"role\":\"admin\"}").statusCode());
        HttpResponse<String> analyst = manager.call("POST", "/api/api-keys", admin, "{\"label\":\"soc\",\"role\":\"analyst\"}");
        String analystKey = JSON.readTree(analyst.body()).get("key").asText();
        assertEquals(403, manager.call("GET", "/api/audit", analystKey, null).statusCode(), "the audit log is for admins and auditors");
        assertEquals(401, manager.call("GET", "/api/events", "bwk_wrong", null).statusCode());
        long id = JSON.readTree(made.body()).get("id").asLong();
        assertEquals(200, manager.call("DELETE", "/api/api-keys/" + id, admin, null).statusCode());
        assertEquals(401, manager.call("GET", "/api/events", auditor, null).statusCode(), "a revoked key stops working");
        assertEquals(400, manager.call("GET", "/api/events?severity=%27%3Bdrop", admin, null).statusCode());
        assertEquals(400, manager.call("GET", "/api/events?from=yesterday", admin, null).statusCode());
    }

    @Test
    void commandsReachTheAgentAndItsRecommendationsAssignRules() throws Exception {
        ManagerClient agent = enrolled("cmd");
        String id = agent.identity().agentId();
        HttpResponse<String> queued = manager.call("POST", "/api/agents/" + id + "/commands", admin, "{\"kind\":\"recommendation-scan\"}");
        assertEquals(200, queued.statusCode(), queued.body());
        long commandId = JSON.readTree(queued.body()).get("id").asLong();
        assertEquals(400, manager.call("POST", "/api/agents/" + id + "/commands", admin, "{\"kind\":\"rm -rf /\"}").statusCode());
        String analyst = JSON.readTree(manager.call("POST", "/api/api-keys", admin, "{\"label\":\"soc2\",\"role\":\"analyst\"}").body()).get("key").asText();
        HttpResponse<String> approval = manager.call("POST", "/api/agents/" + id + "/commands", analyst,
                "{\"kind\":\"approve\",\"arguments\":{\"sha256\":\"" + "a".repeat(64) + "\"}}");
        assertEquals(403, approval.statusCode(), "what a computer may run is an admin's decision, in the API as in the console: " + approval.body());
        var answer = agent.heartbeat(new Heartbeat("running", List.of(), 0, Map.of()));
        assertEquals(List.of(commandId), answer.commands().stream().map(c -> c.id()).toList());
        assertTrue(agent.heartbeat(new Heartbeat("running", List.of(), 0, Map.of())).commands().isEmpty(), "delivered once");
        ManagerClient other = enrolled("other");
        assertEquals("no-such-command", assertThrows(ManagerException.class, () -> other.reportCommand(commandId, "done", "not mine")).code());
        agent.reportCommand(commandId, "done", "inventory evaluated");
        JsonNode list = JSON.readTree(manager.call("GET", "/api/agents/" + id + "/commands", admin, null).body());
        assertEquals("done", list.get(0).get("outcome").asText());

        ObjectNode assignment = JSON.createObjectNode().put("kind", "assignment").put("ruleId", "RC-SSH-0001").put("module", "recommendation")
                .put("assignRuleId", "LI-SSH-0003").put("reason", "an SSH server listens on this host");
        agent.sendEvents(new EventBatch("agent", List.of(new SpooledEvent(1, Instant.now().toString(), "info", assignment))));
        assertTrue(eventually(() -> {
            try {
                JsonNode eff = JSON.readTree(manager.call("GET", "/api/agents/" + id + "/effective-policy", admin, null).body());
                return "on".equals(eff.at("/settings/rules.LI-SSH-0003").asText()) && "computer".equals(eff.at("/sources/rules.LI-SSH-0003").asText());
            } catch (Exception e) {
                return false;
            }
        }), "the assigned rule is switched on for this computer");
        assertEquals(1, manager.jdbc().queryForObject("select count(*) from audit_entry where actor = 'recommendation-scan' and target = ?",
                Long.class, "agent/" + id));
    }

    @Test
    void agentsAskTheManagersFileReputation() throws Exception {
        String bad = "a".repeat(64);
        String good = "b".repeat(64);
        HttpResponse<String> imported = callCsv("/api/reputation?source=test-feed", admin,
                "sha256,verdict,name\n" + bad + ",malicious,EICAR-like test\n" + good.toUpperCase() + ",known-good,coreutils ls\n");
        assertEquals(200, imported.statusCode(), imported.body());
        assertEquals(2, JSON.readTree(imported.body()).get("imported").asInt());
        HttpResponse<String> refused = callCsv("/api/reputation", admin, bad + ",malicious,x\nnot-a-hash,malicious,y\n");
        assertEquals(400, refused.statusCode());
        assertEquals("line 2", JSON.readTree(refused.body()).get("field").asText(), "the bad line is named");
        ManagerClient agent = enrolled("rep");
        String unknown = "c".repeat(64);
        var answers = agent.reputation(List.of(bad, good, unknown));
        assertEquals(List.of("malicious", "known-good", "unknown"), answers.stream().map(ManagerClient.Reputation::verdict).toList());
        assertEquals("EICAR-like test", answers.getFirst().name());
        assertEquals("bad-hash", assertThrows(ManagerException.class, () -> agent.reputation(List.of("../../etc/passwd"))).code());

        // The agent's cache in front of the service: asked once per period, kept across restarts, local-only sends nothing.
        java.nio.file.Path cacheState = java.nio.file.Files.createTempDirectory("rep-cache");
        ReputationCache.Service service = hashes -> agent.reputation(hashes).stream()
                .map(a -> new ReputationCache.Answer(a.sha256(), a.verdict(), a.name())).toList();
        ReputationCache cache = new ReputationCache(cacheState, service, java.time.Clock.systemUTC());
        var cached = cache.lookup(List.of(bad, good, unknown));
        assertEquals("malicious", cached.get(bad).verdict());
        assertEquals("known-good", cached.get(good).verdict());
        assertEquals(3, cache.asked());
        cache.lookup(List.of(bad, good));
        assertEquals(3, cache.asked(), "answers are cached");
        ReputationCache offline = new ReputationCache(cacheState, null, java.time.Clock.systemUTC());
        assertEquals("malicious", offline.lookup(List.of(bad)).get(bad).verdict(), "kept across restarts, answered locally");
        assertEquals("unknown", offline.lookup(List.of("d".repeat(64))).get("d".repeat(64)).verdict());
        assertEquals(0, offline.asked(), "local-only sends nothing");
        ReputationCache down = new ReputationCache(java.nio.file.Files.createTempDirectory("rep-down"), h -> {
            throw new java.io.IOException("connection refused");
        }, java.time.Clock.systemUTC());
        assertEquals("unknown", down.lookup(List.of(bad)).get(bad).verdict(), "an unreachable manager never blocks a scan");
        assertEquals(1, down.failures());
        String analyst = JSON.readTree(manager.call("POST", "/api/api-keys", admin, "{\"label\":\"rep\",\"role\":\"analyst\"}").body()).get("key").asText();
        assertEquals(403, callCsv("/api/reputation", analyst, bad + ",known-good,x\n").statusCode(), "only admins change reputation data");
        assertEquals("malicious", JSON.readTree(manager.call("GET", "/api/reputation/" + bad, analyst, null).body()).get("verdict").asText());
    }

    HttpResponse<String> callCsv(String path, String key, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(manager.url().resolve(path)).header("Content-Type", "text/csv").header("X-Bulwark-Api-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApiIsDescribedByOpenApi() throws Exception {
        HttpResponse<String> docs = manager.call("GET", "/v3/api-docs", null, null);
        assertEquals(200, docs.statusCode(), docs.body());
        JsonNode paths = JSON.readTree(docs.body()).get("paths");
        for (String p : List.of("/api/events", "/api/events/export", "/api/policies", "/api/knowledge-bases", "/api/audit/verify", "/api/agent/events")) {
            assertTrue(paths.has(p), p + " is described");
        }
        assertEquals("X-Bulwark-Api-Key", JSON.readTree(docs.body()).at("/components/securitySchemes/apiKey/name").asText());
    }

    @Test
    void aSilentAgentRaisesAMissedHeartbeatEvent() throws Exception {
        ManagerClient quiet = enrolled("quiet");
        assertEquals(1, quiet.heartbeat(new Heartbeat("running", List.of(), 0, Map.of())).heartbeatSeconds(),
                "the policy's 30 s, capped by this manager's maximum of 1 s");
        String id = quiet.identity().agentId();
        long deadline = System.currentTimeMillis() + 15_000;
        long missed = 0;
        while (missed == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
            missed = manager.jdbc().queryForObject("select count(*) from agent_event where agent_id = ? and kind = 'heartbeat-missed'", Long.class, id);
        }
        assertEquals(1, missed);
        quiet.heartbeat(new Heartbeat("running", List.of(), 0, Map.of()));
        assertEquals(1, manager.jdbc().queryForObject("select count(*) from agent_event where agent_id = ? and kind = 'heartbeat-resumed'", Long.class, id));
    }

    @Test
    void theAuditChainFindsEditsAndDeletions() throws Exception {
        token(60);
        token(60);
        JsonNode ok = JSON.readTree(manager.call("GET", "/api/audit/verify", admin, null).body());
        assertTrue(ok.get("problems").isEmpty(), ok.toString());
        long head = ok.get("headSeq").asLong();
        assertTrue(head >= 4);
        var jdbc = manager.jdbc();
        String original = jdbc.queryForObject("select actor from audit_entry where seq = 2", String.class);
        jdbc.update("update audit_entry set actor = 'mallory' where seq = 2");
        JsonNode edited = JSON.readTree(manager.call("GET", "/api/audit/verify", admin, null).body());
        assertTrue(edited.get("problems").toString().contains("entry 2 was altered"), edited.toString());
        jdbc.update("update audit_entry set actor = ? where seq = 2", original);
        Map<String, Object> last = jdbc.queryForMap("select * from audit_entry where seq = ?", head);
        jdbc.update("delete from audit_entry where seq = ?", head);
        JsonNode truncated = JSON.readTree(manager.call("GET", "/api/audit/verify", admin, null).body());
        assertFalse(truncated.get("problems").isEmpty(), "removing the newest entry is found through the recorded head");
        jdbc.update("insert into audit_entry (seq, at, actor, action, target, before_state, after_state, prev_hash, hash) values (?,?,?,?,?,?,?,?,?)",
                last.get("seq"), last.get("at"), last.get("actor"), last.get("action"), last.get("target"), last.get("before_state"),
                last.get("after_state"), last.get("prev_hash"), last.get("hash"));
        jdbc.update("delete from audit_entry where seq = 3");
        JsonNode gap = JSON.readTree(manager.call("GET", "/api/audit/verify", admin, null).body());
        assertTrue(gap.get("problems").toString().contains("entries 3 to 3 are missing"), gap.toString());
    }

    /** Polls until {@code condition} holds or 60 s pass; returns whether it held. */
    static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(200);
        }
        return condition.getAsBoolean();
    }

    JsonNode agentView(String id) {
        try {
            for (JsonNode a : JSON.readTree(manager.call("GET", "/api/agents", admin, null).body())) {
                if (a.get("id").asText().equals(id)) {
                    return a;
                }
            }
            return JSON.createObjectNode();
        } catch (Exception e) {
            return JSON.createObjectNode(); // the manager is restarting
        }
    }

    long stored(String agentId, String stream) {
        try {
            return manager.jdbc().queryForObject("select count(*) from agent_event where agent_id = ? and stream = ?", Long.class, agentId, stream);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * The whole path with a real agent process: enrolment by its command line, a policy that names
     * the log to follow, the knowledge base rolled out, events exactly once across a manager restart
     * in mid-stream, a policy change and a rollback reaching the agent, and a bad bundle refused.
     */
    @Test
    void aRealAgentFollowsPolicyAndKnowledgeBaseAndLosesNothingAcrossARestart() throws Exception {
        Path state = tmp.resolve("real-agent");
        Path out = tmp.resolve("real-agent.log");
        HttpResponse<String> published = manager.call("POST", "/api/knowledge-bases", admin, null);
        assertEquals(200, published.statusCode(), published.body());
        JsonNode v1 = JSON.readTree(published.body());
        long first = v1.get("version").asLong();
        assertEquals(0, AgentProcess.run(out, "enroll", "--state", state.toString(), "--hostname", "web1", manager.url().toString(), token(600)),
                java.nio.file.Files.readString(out));
        String id = AgentIdentity.load(state).orElseThrow().agentId();

        Path log = tmp.resolve("auth.log");
        java.nio.file.Files.writeString(log, "");
        HttpResponse<String> pol = manager.call("POST", "/api/policies", admin, JSON.writeValueAsString(Map.of("name", "Web servers " + id.substring(0, 8),
                "description", "follows the test log", "settings", Map.of("loginspection.files", log.toString(), "integrity.enabled", "false"))));
        assertEquals(200, pol.statusCode(), pol.body());
        long policyId = JSON.readTree(pol.body()).get("id").asLong();
        assertEquals(200, manager.call("PUT", "/api/agents/" + id + "/policy", admin, "{\"policyId\":" + policyId + "}").statusCode());

        Process agent = AgentProcess.start(out, "run", "--state", state.toString(), "--for", "150", "--interval", "100");
        try {
            assertTrue(eventually(() -> agentView(id).path("bundleVersion").asLong() == first
                    && agentView(id).path("modules").asText().contains("loginspection")), "the agent installs the knowledge base and starts log inspection");

            List<String> lines = java.nio.file.Files.readAllLines(RunningManager.REPO.resolve("samples/logs/web1-auth.log"));
            int half = lines.size() / 2;
            java.nio.file.Files.write(log, lines.subList(0, half), java.nio.file.StandardOpenOption.APPEND);
            assertTrue(eventually(() -> stored(id, "logs") > 0), "events arrive");

            int port = manager.port;
            manager.stop();
            java.nio.file.Files.write(log, lines.subList(half, lines.size()), java.nio.file.StandardOpenOption.APPEND);
            Thread.sleep(3_000); // the agent keeps reading into its spool while the manager is away
            manager.start(port);

            Path expectedOut = tmp.resolve("logscan.jsonl");
            java.nio.file.Files.writeString(expectedOut, "");
            AgentProcess.run(expectedOut, "logscan", "--state", state.toString(), "--json", log.toString());
            long expected = java.nio.file.Files.readAllLines(expectedOut).stream().filter(l -> l.contains("\"ruleId\"")).count();
            assertTrue(expected >= 20, "the sample log gives findings: " + expected);
            assertTrue(eventually(() -> stored(id, "logs") == expected), "every finding arrives once: expected " + expected + ", stored " + stored(id, "logs"));
            assertEquals(expected, manager.jdbc().queryForObject("select count(distinct seq) from agent_event where agent_id = ? and stream = 'logs'", Long.class, id));
            assertEquals(expected, manager.jdbc().queryForObject("select max(seq) from agent_event where agent_id = ? and stream = 'logs'", Long.class, id),
                    "no number was skipped: nothing was lost");

            // a policy change reaches the agent
            assertEquals(200, manager.call("PATCH", "/api/policies/" + policyId + "/settings", admin,
                    "{\"set\":{\"rules.LI-SSH-0001\":\"off\"}}").statusCode());
            long revision = JSON.readTree(manager.call("GET", "/api/agents/" + id + "/effective-policy", admin, null).body()).get("revision").asLong();
            Path policyFile = state.resolve("policy/current.json");
            assertTrue(eventually(() -> storedPolicyRevision(policyFile) == revision), "the agent stores the new policy revision " + revision);

            // a new version, then a rollback (a newer version with the old content), reach the agent
            long second = JSON.readTree(manager.call("POST", "/api/knowledge-bases", admin, null).body()).get("version").asLong();
            assertTrue(eventually(() -> agentView(id).path("bundleVersion").asLong() == second));
            JsonNode rolled = JSON.readTree(manager.call("POST", "/api/knowledge-bases/" + first + "/rollback", admin, null).body());
            long third = rolled.get("version").asLong();
            assertTrue(third > second, "a rollback is a newer version");
            assertTrue(eventually(() -> agentView(id).path("bundleVersion").asLong() == third));

            // a command is carried out by the agent process and its outcome reported
            long cmd = JSON.readTree(manager.call("POST", "/api/agents/" + id + "/commands", admin, "{\"kind\":\"recommendation-scan\"}").body())
                    .get("id").asLong();
            long off = JSON.readTree(manager.call("POST", "/api/agents/" + id + "/commands", admin, "{\"kind\":\"scan-now\"}").body())
                    .get("id").asLong();
            long approval = JSON.readTree(manager.call("POST", "/api/agents/" + id + "/commands", admin,
                    "{\"kind\":\"approve\",\"arguments\":{\"sha256\":\"" + "a".repeat(64) + "\"}}").body()).get("id").asLong();
            assertTrue(eventually(() -> "done".equals(commandOutcome(id, cmd))), "recommendation scan: " + commandOutcome(id, cmd));
            assertTrue(eventually(() -> "failed".equals(commandOutcome(id, off))), "a module the policy turns off says so: " + commandOutcome(id, off));
            // every kind the manager accepts is one the agent carries out: an approval lands in application control's decisions
            assertTrue(eventually(() -> "done".equals(commandOutcome(id, approval))), "an approval is carried out: " + commandOutcome(id, approval));

            // a bundle signed by another key is refused by the agent, which keeps running the last good one
            long bad = third + 1;
            var otherKey = SigningKeys.generate();
            byte[] forged = dev.bulwark.engine.bundle.BundleWriter.write(bad, Instant.now(), "x", new byte[] {1}, List.of(), Map.of(), otherKey);
            java.nio.file.Files.write(manager.dataDir.resolve("bundles/bulwark-" + bad + ".bkb"), forged);
            manager.jdbc().update("insert into knowledge_base (version, created_at, created_by, rule_count, sha256, origin) values (?, ?, 'test', 0, 'x', 'forged')",
                    bad, java.sql.Timestamp.from(Instant.now()));
            assertTrue(eventually(() -> manager.jdbc().queryForObject("select count(*) from agent_event where agent_id = ? and kind = 'bundle-refused'",
                    Long.class, id) == 1), "the refusal is reported");
            Thread.sleep(1_500);
            assertEquals(third, agentView(id).path("bundleVersion").asLong(), "the agent keeps the last good knowledge base");
            manager.jdbc().update("delete from knowledge_base where version = ?", bad);
        } finally {
            agent.destroy();
            agent.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            agent.destroyForcibly();
        }
    }

    String commandOutcome(String agentId, long commandId) {
        try {
            for (JsonNode c : JSON.readTree(manager.call("GET", "/api/agents/" + agentId + "/commands", admin, null).body())) {
                if (c.get("id").asLong() == commandId) {
                    return c.path("outcome").asText("");
                }
            }
        } catch (Exception e) {
            return "";
        }
        return "";
    }

    static long storedPolicyRevision(Path file) {
        try {
            JsonNode env = JSON.readTree(file.toFile());
            return JSON.readTree(java.util.Base64.getDecoder().decode(env.get("policy").asText())).get("revision").asLong();
        } catch (Exception e) {
            return -1;
        }
    }
}
