package dev.bulwark.manager.protocol;

import dev.bulwark.manager.ManagerApplication;
import dev.bulwark.manager.knowledgebases.KnowledgeBasePublisher;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** A real manager (Spring Boot, Tomcat, the real database) on a free loopback port, for tests. */
public final class RunningManager implements AutoCloseable {
    /** The checkout (tests run in web/). */
    public static final Path REPO = Path.of("").toAbsolutePath().getParent();

    final Path dataDir;
    final Map<String, String> database;
    ConfigurableApplicationContext ctx;
    int port;

    public RunningManager(Path dataDir, Map<String, String> database) throws IOException {
        this.dataDir = dataDir;
        this.database = database;
        new KnowledgeBasePublisher(dataDir, Clock.systemUTC()).createKey();
    }

    public RunningManager start(int atPort) {
        List<String> args = new ArrayList<>(List.of("--bulwark.data-dir=" + dataDir, "--server.port=" + atPort,
                "--bulwark.heartbeat.max-seconds=1", "--bulwark.heartbeat.missed-after=2", "--bulwark.heartbeat.check=PT0.5S",
                "--logging.level.root=WARN", "--bulwark.rules.builtin=" + REPO.resolve("knowledge-base/src/main/resources/rules"),
                "--bulwark.rules.builtin-data=" + REPO.resolve("knowledge-base/src/main/resources/data")));
        database.forEach((k, v) -> args.add("--" + k + "=" + v));
        ctx = new SpringApplication(ManagerApplication.class).run(args.toArray(String[]::new));
        port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
        return this;
    }

    public URI url() {
        return URI.create(("true".equals(database.get("server.ssl.enabled")) ? "https" : "http") + "://127.0.0.1:" + port);
    }

    public JdbcTemplate jdbc() {
        return ctx.getBean(JdbcTemplate.class);
    }

    public String adminKey() throws IOException {
        return Files.readString(dataDir.resolve("initial-admin-api-key")).trim();
    }

    public HttpResponse<String> call(String method, String path, String apiKey, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url().resolve(path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            b.header("X-Bulwark-Api-Key", apiKey);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    void stop() {
        if (ctx != null) {
            ctx.close();
            ctx = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
