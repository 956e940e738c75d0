package dev.bulwark.manager.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** People sign in with a password: CSRF on every change, sessions, roles, and throttled guessing. */
class PeopleLoginTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A browser-like client: its own cookie jar. */
    record Browser(HttpClient http, RunningManager m) {
        static Browser open(RunningManager m) {
            return new Browser(HttpClient.newBuilder().cookieHandler(new CookieManager()).build(), m);
        }

        HttpResponse<String> send(String method, String path, String body, JsonNode csrf) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(m.url().resolve(path)).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (csrf != null) {
                b.header(csrf.get("header").asText(), csrf.get("token").asText());
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        JsonNode csrf() throws Exception {
            return JSON.readTree(send("GET", "/api/session/csrf", null, null).body());
        }

        HttpResponse<String> login(String user, String password) throws Exception {
            return send("POST", "/api/session", JSON.writeValueAsString(Map.of("username", user, "password", password)), csrf());
        }
    }

    @Test
    void passwordsOpenSessionsThatStillNeedCsrfAndGuessingIsThrottled() throws Exception {
        try (RunningManager m = new RunningManager(tmp.resolve("manager"), Map.of()).start(0)) {
            String adminPassword = Files.readString(tmp.resolve("manager/initial-admin-password")).trim();
            Browser admin = Browser.open(m);
            assertEquals(403, admin.send("POST", "/api/session", "{\"username\":\"admin\",\"password\":\"x\"}", null).statusCode(),
                    "a login without the CSRF token is refused (login CSRF)");
            HttpResponse<String> in = admin.login("admin", adminPassword);
            assertEquals(200, in.statusCode(), in.body());
            assertTrue(in.headers().allValues("set-cookie").stream().anyMatch(c -> c.contains("HttpOnly")), "session cookie is HttpOnly");
            assertEquals(200, admin.send("GET", "/api/events", null, null).statusCode(), "the session authenticates reads");
            assertEquals(403, admin.send("POST", "/api/enrollment-tokens", "{\"label\":\"x\"}", null).statusCode(), "changes need the CSRF token");
            assertEquals(200, admin.send("POST", "/api/enrollment-tokens", "{\"label\":\"x\"}", admin.csrf()).statusCode());

            HttpResponse<String> made = admin.send("POST", "/api/users", "{\"username\":\"ana\",\"role\":\"analyst\"}", admin.csrf());
            assertEquals(200, made.statusCode(), made.body());
            String anaPassword = JSON.readTree(made.body()).get("password").asText();
            Browser ana = Browser.open(m);
            assertEquals(200, ana.login("ana", anaPassword).statusCode());
            assertEquals(403, ana.send("POST", "/api/users", "{\"username\":\"eve\",\"role\":\"admin\"}", ana.csrf()).statusCode(),
                    "an analyst cannot make users");
            assertEquals(400, ana.send("POST", "/api/session/password", "{\"oldPassword\":\"" + anaPassword + "\",\"newPassword\":\"short\"}",
                    ana.csrf()).statusCode());
            assertEquals(200, ana.send("POST", "/api/session/password", "{\"oldPassword\":\"" + anaPassword
                    + "\",\"newPassword\":\"a much longer passphrase\"}", ana.csrf()).statusCode());

            Browser guesser = Browser.open(m);
            for (int i = 0; i < 5; i++) {
                assertEquals(401, guesser.login("ana", "guess" + i).statusCode());
            }
            HttpResponse<String> locked = guesser.login("ana", "a much longer passphrase");
            assertEquals(429, locked.statusCode(), "locked even with the right password: " + locked.body());
            assertTrue(locked.headers().firstValue("Retry-After").isPresent());
            long failures = m.jdbc().queryForObject("select count(*) from audit_entry where action = 'login.failed'", Long.class);
            assertEquals(5, failures, "every failure is audited");
        }
    }
}
