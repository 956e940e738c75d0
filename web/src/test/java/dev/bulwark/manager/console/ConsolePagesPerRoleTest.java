package dev.bulwark.manager.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.agent.protocol.Messages.EventBatch;
import dev.bulwark.agent.uplink.AgentIdentity;
import dev.bulwark.agent.uplink.ManagerClient;
import dev.bulwark.manager.protocol.AgentProtocolOnPostgresqlTest;
import dev.bulwark.manager.protocol.RunningManager;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every console page and action, per role, over plain HTTP with a signed-in session: what each role
 * may open and do, what it is refused (403, with the console's page), that nothing opens without
 * signing in, that a change without the CSRF token is refused, and that hostile parameters get a
 * 400 page, never a 500.
 */
class ConsolePagesPerRoleTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @TempDir
    Path tmp;

    /** A person's browser session: cookies, and the CSRF token of the last page. */
    static final class Session {
        final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        final URI base;
        String csrf;

        Session(URI base) {
            this.base = base;
        }

        HttpResponse<String> get(String path) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = CSRF.matcher(r.body());
            if (m.find()) {
                csrf = m.group(1);
            }
            return r;
        }

        HttpResponse<String> post(String path, Map<String, String> form, boolean withToken) throws Exception {
            Map<String, String> f = new LinkedHashMap<>(form);
            if (withToken) {
                f.put("_csrf", csrf);
            }
            StringBuilder body = new StringBuilder();
            f.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
            return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        }

        Session signIn(String user, String password) throws Exception {
            get("/login");
            HttpResponse<String> r = post("/login", Map.of("username", user, "password", password), true);
            assertEquals(302, r.statusCode());
            assertTrue(r.headers().firstValue("Location").orElse("").endsWith("/console"), user + " signs in: " + r.headers().map());
            return this;
        }
    }

    @Test
    void eachRoleOpensAndDoesOnlyWhatItMay() throws Exception {
        walk(Map.of());
    }

    /** The same on PostgreSQL: the dashboard's grouped counts and the paging are SQL that must run on both databases. */
    @Test
    @EnabledIfEnvironmentVariable(named = "BULWARK_TEST_POSTGRES_URL", matches = ".+")
    void onPostgresqlToo() throws Exception {
        walk(AgentProtocolOnPostgresqlTest.postgres());
    }

    void walk(Map<String, String> database) throws Exception {
        try (RunningManager m = new RunningManager(tmp.resolve("manager"), database).start(0)) {
            String admin = m.adminKey();
            String token = JSON.readTree(m.call("POST", "/api/enrollment-tokens", admin, "{\"label\":\"t\"}").body()).get("token").asText();
            ManagerClient.enroll(tmp.resolve("agent"), m.url(), token, "db-01", "test");
            ManagerClient agent = new ManagerClient(AgentIdentity.load(tmp.resolve("agent")).orElseThrow(), Clock.systemUTC());
            agent.sendEvents(new EventBatch("logs", List.of(ConsoleBrowserTest.event(1, "LI-SSH-0001", "loginspection", "high", "x"))));
            String agentId = AgentIdentity.load(tmp.resolve("agent")).orElseThrow().agentId();
            long eventId = JSON.readTree(m.call("GET", "/api/events", admin, null).body()).get(0).get("id").asLong();
            Map<String, String> passwords = new LinkedHashMap<>();
            passwords.put("admin", Files.readString(tmp.resolve("manager/initial-admin-password")).trim());
            for (String[] u : new String[][] {{"rita", "rule-author"}, {"ana", "analyst"}, {"audrey", "auditor"}}) {
                passwords.put(u[0], JSON.readTree(m.call("POST", "/api/users", admin,
                        "{\"username\":\"" + u[0] + "\",\"role\":\"" + u[1] + "\"}").body()).get("password").asText());
            }

            // nothing opens without signing in
            Session anonymous = new Session(m.url());
            for (String page : List.of("/console", "/console/rules", "/console/events", "/console/audit", "/console/admin/users")) {
                HttpResponse<String> r = anonymous.get(page);
                assertEquals(302, r.statusCode(), page);
                assertTrue(r.headers().firstValue("Location").orElse("").endsWith("/login"), page);
            }
            assertEquals(200, anonymous.get("/login").statusCode());

            List<String> everyone = List.of("/console", "/console?range=7d", "/console/computers", "/console/computers?sort=heartbeat&dir=desc",
                    "/console/computers/" + agentId, "/console/rules", "/console/rules?q=ssh&module=loginspection", "/console/rules/LI-SSH-0001",
                    "/console/events", "/console/events?severity=high&module=loginspection", "/console/events/" + eventId, "/console/knowledge-bases",
                    "/console/policies", "/console/policies/1");
            List<String> adminPages = List.of("/console/admin/users", "/console/admin/api-keys", "/console/admin/enrollment-tokens", "/console/admin/syslog");
            Map<String, List<String>> allowedExtra = Map.of("admin", concat(List.of("/console/audit", "/console/audit/verify"), adminPages),
                    "rita", List.of(), "ana", List.of(), "audrey", List.of("/console/audit", "/console/audit/verify"));
            List<String> restricted = concat(List.of("/console/audit", "/console/audit/verify"), adminPages);
            for (Map.Entry<String, String> p : passwords.entrySet()) {
                Session s = new Session(m.url()).signIn(p.getKey(), p.getValue());
                for (String page : everyone) {
                    HttpResponse<String> r = s.get(page);
                    assertEquals(200, r.statusCode(), p.getKey() + " opens " + page + ": " + r.body());
                    assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"), page);
                }
                for (String page : restricted) {
                    int expected = allowedExtra.get(p.getKey()).contains(page) ? 200 : 403;
                    HttpResponse<String> r = s.get(page);
                    assertEquals(expected, r.statusCode(), p.getKey() + " on " + page);
                    if (expected == 403) {
                        assertTrue(r.body().contains("Not allowed"), "the refusal is the console's page: " + r.body());
                    }
                }
                s.get("/console/computers/" + agentId);
                boolean commands = List.of("admin", "ana").contains(p.getKey());
                assertEquals(commands, s.get("/console/computers/" + agentId).body().contains(">Scan now<"), "the button only for who may");
                HttpResponse<String> cmd = s.post("/console/computers/" + agentId + "/commands", Map.of("kind", "scan-now"), true);
                assertEquals(commands ? 302 : 403, cmd.statusCode(), p.getKey() + " queues a scan");
                HttpResponse<String> decision = s.post("/console/computers/" + agentId + "/decisions",
                        Map.of("decision", "approve", "sha256", "ab".repeat(32)), true);
                assertEquals(p.getKey().equals("admin") ? 302 : 403, decision.statusCode(), p.getKey() + " approves software");
                s.get("/console/knowledge-bases");
                boolean publish = List.of("admin", "rita").contains(p.getKey());
                HttpResponse<String> pub = s.post("/console/knowledge-bases", Map.of(), true);
                assertEquals(publish ? 200 : 403, pub.statusCode(), p.getKey() + " publishes: " + pub.body());
                HttpResponse<String> editor = s.get("/console/rules/editor");
                assertEquals(publish ? 200 : 403, editor.statusCode(), p.getKey() + " opens the rule editor");
                s.get("/console");
                HttpResponse<String> lint = s.post("/console/rules/editor/lint", Map.of("file", "x/y.drl", "drl", "rule \"r\" when then end"), true);
                assertEquals(publish ? 200 : 403, lint.statusCode(), p.getKey() + " lints");
                HttpResponse<String> save = s.post("/console/rules/editor", Map.of("file", "../../etc/cron.d/x.drl", "drl", ""), true);
                assertEquals(publish ? 400 : 403, save.statusCode(), p.getKey() + " saves outside the rules folder: " + save.body());
                s.get("/console");
                HttpResponse<String> user = s.post("/console/admin/users", Map.of("username", "new-" + p.getKey(), "role", "analyst"), true);
                assertEquals(p.getKey().equals("admin") ? 200 : 403, user.statusCode(), p.getKey() + " adds a person");
                // policies: everyone reads them, only an admin changes one, creates one or moves a computer
                boolean isAdmin = p.getKey().equals("admin");
                assertEquals(isAdmin, s.get("/console/policies/1").body().contains(">Set here<"), "change buttons only for an admin");
                assertEquals(isAdmin ? 302 : 403, s.post("/console/policies/1/settings", Map.of("key", "heartbeat.seconds", "value", "60"), true).statusCode(),
                        p.getKey() + " changes a policy");
                assertEquals(isAdmin ? 302 : 403, s.post("/console/policies", Map.of("name", "made by " + p.getKey()), true).statusCode(),
                        p.getKey() + " creates a policy");
                assertEquals(isAdmin ? 302 : 403, s.post("/console/computers/" + agentId + "/policy", Map.of("policy", "1"), true).statusCode(),
                        p.getKey() + " assigns a policy");
                assertEquals(isAdmin ? 302 : 403, s.post("/console/computers/" + agentId + "/settings", Map.of("key", "heartbeat.seconds", "value", "45"), true)
                        .statusCode(), p.getKey() + " overrides a setting");
                // administration's changes
                assertEquals(isAdmin ? 200 : 403, s.post("/console/admin/api-keys", Map.of("label", "by " + p.getKey(), "role", "auditor"), true).statusCode(),
                        p.getKey() + " issues an API key");
                assertEquals(isAdmin ? 200 : 403, s.post("/console/admin/enrollment-tokens", Map.of("label", "by " + p.getKey()), true).statusCode(),
                        p.getKey() + " issues an enrolment token");
                assertEquals(isAdmin ? 302 : 403, s.post("/console/admin/syslog", Map.of("host", ""), true).statusCode(), p.getKey() + " sets syslog");
                // without the CSRF token, even an admin's change is refused
                assertEquals(403, s.post("/console/computers/" + agentId + "/commands", Map.of("kind", "scan-now"), false).statusCode());
            }
            long queued = JSON.readTree(m.call("GET", "/api/agents/" + agentId + "/commands", admin, null).body()).size();
            assertEquals(3, queued, "the admin's and the analyst's scans and the admin's approval, nothing from the refused ones");
            long policies = JSON.readTree(m.call("GET", "/api/policies", admin, null).body()).size();
            assertEquals(2, policies, "the root and the admin's, none from the refused ones");

            // people: disabling someone ends their open session at once; a new role takes effect at once
            Session audrey = new Session(m.url()).signIn("audrey", passwords.get("audrey"));
            assertEquals(200, audrey.get("/console/audit").statusCode());
            Session boss = new Session(m.url()).signIn("admin", passwords.get("admin"));
            boss.get("/console/admin/users");
            assertEquals(302, boss.post("/console/admin/users/audrey", Map.of("role", "auditor"), true).statusCode(), "disable audrey");
            boss.get("/console/admin/users"); // as a browser does: follows the redirect, which shows the answer
            HttpResponse<String> after = audrey.get("/console/audit");
            assertEquals(302, after.statusCode(), "a disabled person's session ends");
            assertTrue(after.headers().firstValue("Location").orElse("").endsWith("/login"), after.headers().map().toString());
            Session fresh = new Session(m.url());
            fresh.get("/login");
            HttpResponse<String> again = fresh.post("/login", Map.of("username", "audrey", "password", passwords.get("audrey")), true);
            assertTrue(again.headers().firstValue("Location").orElse("").contains("/login?failed"), "a disabled person cannot sign in");
            assertEquals(302, boss.post("/console/admin/users/audrey", Map.of("role", "analyst", "enabled", "1"), true).statusCode());
            boss.get("/console/admin/users"); // as a browser does: follows the redirect, which shows the answer
            Session analystNow = new Session(m.url()).signIn("audrey", passwords.get("audrey"));
            assertEquals(403, analystNow.get("/console/audit").statusCode(), "the new role applies");
            Session rita = new Session(m.url()).signIn("rita", passwords.get("rita"));
            assertEquals(200, rita.get("/console/rules/editor").statusCode());
            assertEquals(302, boss.post("/console/admin/users/rita", Map.of("role", "auditor", "enabled", "1"), true).statusCode());
            boss.get("/console/admin/users"); // as a browser does: follows the redirect, which shows the answer
            assertEquals(302, rita.get("/console/rules/editor").statusCode(), "a changed role ends the session; signing in again gives the new one");
            HttpResponse<String> self = boss.post("/console/admin/users/admin", Map.of("role", "analyst", "enabled", "1"), true);
            assertEquals(302, self.statusCode());
            String refusal = boss.get("/console/admin/users").body();
            assertTrue(refusal.contains("you cannot change your own role"), "refused, and said why: " + self.headers().map() + " " + refusal);
            JsonNode people = JSON.readTree(m.call("GET", "/api/users", admin, null).body());
            for (JsonNode u : people) {
                if (u.get("username").asText().equals("admin")) {
                    assertEquals("ADMIN", u.get("role").asText());
                    assertTrue(u.get("enabled").asBoolean());
                }
            }
            assertTrue(m.call("GET", "/api/audit", admin, null).body().contains("user.change"), "changes of people are audited");

            // hostile parameters: a readable 400 page, never a 500
            Session s = new Session(m.url()).signIn("admin", passwords.get("admin"));
            for (String page : List.of("/console?range=forever", "/console/computers?page=-1", "/console/computers?sort=password",
                    "/console/computers/a%20b", "/console/rules?q=%22unbalanced", "/console/rules?page=99999999", "/console/rules/%3Cx%3E",
                    "/console/events?from=yesterday", "/console/events?before=1e9", "/console/events?agent=%27%20or%201%3D1--",
                    "/console/events?text=" + "x".repeat(300), "/console/events/abc", "/console/audit?page=-5",
                    "/console/policies/abc", "/console/policies/0")) {
                HttpResponse<String> r = s.get(page);
                assertEquals(400, r.statusCode(), page + ": " + r.body());
                assertTrue(r.body().contains("class=\"problem\""), page);
                assertFalse(r.body().contains("Exception"), page);
            }
            s.get("/console");
            for (Map<String, String> bad : List.of(Map.of("decision", "approve", "sha256", "zz"), Map.of("decision", "allow", "sha256", "ab".repeat(32)),
                    Map.of("decision", "approve", "path", "relative/x"), Map.of("decision", "block"))) {
                HttpResponse<String> r = s.post("/console/computers/" + agentId + "/decisions", bad, true);
                assertEquals(400, r.statusCode(), bad + ": " + r.body());
            }
            assertEquals(404, s.get("/console/computers/no-such-id").statusCode());
            assertEquals(404, s.get("/console/events/999999").statusCode());
            assertEquals(404, s.get("/console/rules/NO-SUCH-RULE").statusCode());
            assertEquals(404, s.get("/console/policies/999999").statusCode());
            s.get("/console");
            assertEquals(400, s.post("/console/policies/1/settings", Map.of("value", "1"), true).statusCode(), "a change names its setting");
            assertEquals(400, s.post("/console/admin/enrollment-tokens", Map.of("hours", "100000"), true).statusCode(), "tokens live 1-720 hours");
            assertEquals(404, s.post("/console/admin/api-keys/424242/revoke", Map.of(), true).statusCode());
        }
    }

    static <T> List<T> concat(List<T> a, List<T> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
