package dev.bulwark.manager;

import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.build.BundleBuilder;
import dev.bulwark.engine.build.RuleBuildException;
import dev.bulwark.manager.knowledgebases.KnowledgeBasePublisher;
import dev.bulwark.manager.audit.AuditLog;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bulwark-manager}: the manager's command line. */
@Command(name = "bulwark-manager", mixinStandardHelpOptions = true, version = "Bulwark manager 0.1.0",
        description = "Bulwark manager: create its signing key and publish signed knowledge bases for its agents.",
        subcommands = {ManagerCommand.Serve.class, ManagerCommand.AuditVerify.class, ManagerCommand.BenchIngest.class, ManagerCommand.EventsCount.class, ManagerCommand.Keygen.class, ManagerCommand.Publish.class, ManagerCommand.Bundles.class},
        footer = {"", "Exit codes: 0 ok, 2 rule problems, 4 I/O or state error, 5 audit chain broken, 64 usage."})
public final class ManagerCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new ManagerCommand());
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? 64 : 4);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(e.getMessage() == null ? e.toString() : e.getMessage());
            return 4;
        });
        System.exit(cl.execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static class DataDir {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "manager data folder (default: $BULWARK_MANAGER_DATA or /var/lib/bulwark/manager)")
        Path dir;

        Path path() {
            Path d = dir;
            if (d == null) {
                String env = System.getenv("BULWARK_MANAGER_DATA");
                d = Path.of(env != null && !env.isBlank() ? env : "/var/lib/bulwark/manager");
            }
            return d.toAbsolutePath();
        }

        KnowledgeBasePublisher publisher() {
            return new KnowledgeBasePublisher(path(), Clock.systemUTC());
        }
    }

    /** Starts the manager's application context with these settings, as command-line properties (they outrank application.properties). */
    static ConfigurableApplicationContext start(Map<String, Object> props) {
        return new SpringApplication(ManagerApplication.class).run(props.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    static int port(ConfigurableApplicationContext ctx) {
        return ((org.springframework.boot.web.server.context.WebServerApplicationContext) ctx).getWebServer().getPort();
    }

    /** Where the manager keeps its data: H2 in the data folder, or PostgreSQL. */
    static class Database {
        @Option(names = "--postgresql", description = "use PostgreSQL (BULWARK_DB_URL, BULWARK_DB_USER, BULWARK_DB_PASSWORD) instead of H2 in the data folder")
        boolean postgresql;

        Map<String, Object> properties(Path dataDir) {
            Map<String, Object> p = new HashMap<>();
            p.put("bulwark.data-dir", dataDir.toString());
            if (postgresql) {
                p.put("spring.profiles.active", "postgresql");
            }
            return p;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Run the manager: the agent protocol and the API, on H2 in the data folder (default) or PostgreSQL.",
                    "First start creates the user 'admin' and writes its password and an admin API key to files in the data folder."})
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        DataDir data;
        @CommandLine.Mixin
        Database db;
        @Option(names = "--port", defaultValue = "8480", description = "port (default: ${DEFAULT-VALUE}; 0 picks a free one)")
        int port;
        @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE})")
        String bind;
        @Option(names = "--enrollment-token-file", paramLabel = "FILE", description = "issue a one-hour enrolment token for a local agent into FILE (0600)")
        Path tokenFile;
        @Option(names = "--url-file", paramLabel = "FILE", description = "write the manager's URL into FILE once it listens")
        Path urlFile;
        @Option(names = "--tls-keystore", paramLabel = "FILE.p12", description = "serve HTTPS with this PKCS#12 key store (its certificate must name the host agents use)")
        Path tlsKeystore;
        @Option(names = "--tls-password-file", paramLabel = "FILE", description = "file holding the key store's password")
        Path tlsPasswordFile;
        @Option(names = "--syslog", paramLabel = "HOST:PORT", description = "forward every new event to this syslog server (RFC 5424 over TLS, CEF)")
        String syslog;
        @Option(names = "--syslog-ca", paramLabel = "FILE", description = "CA certificates (PEM) the syslog server's certificate must chain to (default: the JVM's)")
        Path syslogCa;
        @Option(names = "--syslog-plain-tcp", description = "forward over plain TCP instead of TLS (only on a trusted network)")
        boolean syslogPlain;
        @Option(names = "--builtin-rules", paramLabel = "DIR", description = "the default knowledge base's rules (default: $BULWARK_HOME/knowledge-base/src/main/resources/rules)")
        Path builtinRules;
        @Option(names = "--builtin-data", paramLabel = "DIR", description = "the default knowledge base's data (default: $BULWARK_HOME/knowledge-base/src/main/resources/data)")
        Path builtinData;

        @Override
        public Integer call() throws Exception {
            Path dir = data.path();
            data.publisher().createKey(); // agents pin this key at enrolment; an existing key is kept
            Map<String, Object> props = db.properties(dir);
            props.put("server.port", port);
            props.put("server.address", bind);
            if (tokenFile != null) {
                props.put("bulwark.enrollment-token-file", tokenFile.toAbsolutePath().toString());
            }
            if (tlsKeystore != null) {
                if (tlsPasswordFile == null) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--tls-keystore needs --tls-password-file");
                }
                props.put("server.ssl.enabled", true);
                props.put("server.ssl.key-store", tlsKeystore.toAbsolutePath().toString());
                props.put("server.ssl.key-store-type", "PKCS12");
                props.put("server.ssl.key-store-password", Files.readString(tlsPasswordFile).trim());
                props.put("server.servlet.session.cookie.secure", true);
            }
            if (syslog != null) {
                int colon = syslog.lastIndexOf(':');
                if (colon <= 0 || !syslog.substring(colon + 1).matches("\\d{1,5}")) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--syslog takes HOST:PORT, e.g. siem.example:6514");
                }
                props.put("bulwark.syslog.host", syslog.substring(0, colon));
                props.put("bulwark.syslog.port", syslog.substring(colon + 1));
                props.put("bulwark.syslog.tls", !syslogPlain);
                if (syslogCa != null) {
                    props.put("bulwark.syslog.ca-file", syslogCa.toAbsolutePath().toString());
                }
            }
            String home = System.getenv("BULWARK_HOME");
            Path rules = builtinRules != null ? builtinRules : home == null ? null : Path.of(home, "knowledge-base/src/main/resources/rules");
            Path kbData = builtinData != null ? builtinData : home == null ? null : Path.of(home, "knowledge-base/src/main/resources/data");
            if (rules != null && Files.isDirectory(rules)) {
                props.put("bulwark.rules.builtin", rules.toAbsolutePath().toString());
            }
            if (kbData != null && Files.isDirectory(kbData)) {
                props.put("bulwark.rules.builtin-data", kbData.toAbsolutePath().toString());
            }
            ConfigurableApplicationContext ctx = start(props);
            int actual = port(ctx);
            String url = (tlsKeystore != null ? "https://" : "http://") + bind + ":" + actual;
            if (urlFile != null) {
                Files.writeString(urlFile, url + "\n");
            }
            System.out.println("Bulwark manager listening on " + url + " (data: " + dir + ")");
            CountDownLatch closed = new CountDownLatch(1);
            ctx.addApplicationListener((org.springframework.context.ApplicationListener<org.springframework.context.event.ContextClosedEvent>) e -> closed.countDown());
            closed.await();
            return 0;
        }
    }

    @Command(name = "bench-ingest", mixinStandardHelpOptions = true,
            description = {"Benchmark: sustained event ingestion through the agent protocol with many agents heartbeating,",
                    "beside the database's own batch-insert rate on the same table (figures only; see docs/benchmarks.md).",
                    "Runs a manager of its own on a free loopback port: H2 in a temporary folder, or PostgreSQL (--postgresql: BULWARK_DB_URL...; its tables are used as they are)."})
    static final class BenchIngest implements Callable<Integer> {
        @CommandLine.Mixin
        Database db;
        @Option(names = "--agents", defaultValue = "1000", description = "enrolled agents heartbeating (default: ${DEFAULT-VALUE})")
        int agents;
        @Option(names = "--senders", defaultValue = "4", description = "threads sending event batches (default: ${DEFAULT-VALUE})")
        int senders;
        @Option(names = "--batch", defaultValue = "1000", description = "events per batch (the agent sends up to 1,000) (default: ${DEFAULT-VALUE})")
        int batch;
        @Option(names = "--seconds", defaultValue = "60", description = "how long to send (default: ${DEFAULT-VALUE})")
        int seconds;
        @Option(names = "--heartbeat-seconds", defaultValue = "30", description = "each agent's heartbeat interval (default: ${DEFAULT-VALUE})")
        int heartbeatSeconds;

        @Override
        public Integer call() throws Exception {
            Path work = Files.createTempDirectory("bulwark-bench-ingest");
            Path dir = work.resolve("manager");
            new KnowledgeBasePublisher(dir, Clock.systemUTC()).createKey();
            Map<String, Object> props = db.properties(dir);
            props.put("server.port", 0);
            props.put("logging.level.root", "WARN");
            try (ConfigurableApplicationContext ctx = start(props)) {
                int port = port(ctx);
                dev.bulwark.manager.bench.IngestBenchmark.run(ctx, java.net.URI.create("http://127.0.0.1:" + port),
                        db.postgresql ? "PostgreSQL" : "H2", work, agents, senders, batch, seconds, heartbeatSeconds, System.out);
            }
            return 0;
        }
    }

    @Command(name = "events-count", mixinStandardHelpOptions = true,
            description = "Print how many events a running manager has stored (GET /api/events/count with an API key).")
    static final class EventsCount implements Callable<Integer> {
        @Option(names = "--url", required = true, description = "the manager, e.g. http://127.0.0.1:8480")
        java.net.URI url;
        @Option(names = "--api-key-file", required = true, paramLabel = "FILE", description = "file holding an API key")
        Path keyFile;

        @Override
        public Integer call() throws Exception {
            var req = java.net.http.HttpRequest.newBuilder(url.resolve("/api/events/count"))
                    .header("X-Bulwark-Api-Key", Files.readString(keyFile).trim()).GET().build();
            var resp = java.net.http.HttpClient.newHttpClient().send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                System.err.println("manager answered " + resp.statusCode() + ": " + resp.body());
                return 4;
            }
            System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().readTree(resp.body()).get("count").asLong());
            return 0;
        }
    }

    @Command(name = "audit-verify", mixinStandardHelpOptions = true,
            description = "Check the audit log's hash chain and its recorded head: exit 0 when intact, 5 with every problem listed otherwise.")
    static final class AuditVerify implements Callable<Integer> {
        @CommandLine.Mixin
        DataDir data;
        @CommandLine.Mixin
        Database db;

        @Override
        public Integer call() {
            Map<String, Object> props = db.properties(data.path());
            props.put("spring.main.web-application-type", "none");
            props.put("logging.level.root", "ERROR");
            try (ConfigurableApplicationContext ctx = start(props)) {
                AuditLog.Verification v = ctx.getBean(AuditLog.class).verify();
                v.problems().forEach(System.out::println);
                System.out.printf("%s: %d entries checked, head %d%n", v.intact() ? "intact" : "BROKEN", v.entries(), v.headSeq());
                return v.intact() ? 0 : 5;
            }
        }
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true, description = "Create the manager's bundle-signing key pair (never replaces one).")
    static final class Keygen implements Callable<Integer> {
        @CommandLine.Mixin
        DataDir data;

        @Override
        public Integer call() throws IOException {
            KnowledgeBasePublisher p = data.publisher();
            boolean created = p.createKey();
            System.out.printf("%s signing key %s; agents pin %s%n", created ? "created" : "kept existing",
                    SigningKeys.keyId(SigningKeys.readPublic(p.publicKey())), p.publicKey());
            return 0;
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Compile rule directories together, sign with the manager's key, store as the next version.")
    static final class Publish implements Callable<Integer> {
        @CommandLine.Mixin
        DataDir data;
        @Option(names = "--rules", required = true, paramLabel = "DIR", description = "rules directory (repeatable)")
        List<Path> rules;
        @Option(names = "--data", paramLabel = "DIR", description = "data directory (repeatable)")
        List<Path> dataDirs = List.of();

        @Override
        public Integer call() throws IOException {
            KnowledgeBasePublisher p = data.publisher();
            try {
                BundleBuilder.Output out = p.publish(rules, dataDirs);
                var versions = p.versions();
                long v = versions.get(versions.size() - 1);
                out.compiled().warnings().forEach(w -> System.err.println(w));
                System.out.printf("published version %d: %d rules, %d bytes -> %s%n", v, out.compiled().rules().size(), out.bundle().length, p.bundlePath(v));
                return 0;
            } catch (RuleBuildException e) {
                e.problems().forEach(x -> System.err.println(x));
                System.err.println("nothing published");
                return 2;
            }
        }
    }

    @Command(name = "bundles", mixinStandardHelpOptions = true, description = "List published knowledge-base versions.")
    static final class Bundles implements Callable<Integer> {
        @CommandLine.Mixin
        DataDir data;

        @Override
        public Integer call() throws IOException {
            KnowledgeBasePublisher p = data.publisher();
            for (long v : p.versions()) {
                System.out.println(v + "\t" + p.bundlePath(v));
            }
            return 0;
        }
    }
}
