package dev.bulwark.manager.security;

import dev.bulwark.manager.agents.Enrollment;
import dev.bulwark.manager.audit.AuditLog;
import dev.bulwark.manager.knowledgebases.KnowledgeBases;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * First start: creates the {@code admin} user with a random password and a first admin API key,
 * each written once to a 0600 file in the data folder (and never stored in clear anywhere else).
 * With built-in rules configured and nothing published yet, publishes the default knowledge base.
 * With {@code bulwark.enrollment-token-file}, also issues a one-hour enrolment token into that file
 * for the local agent.
 */
@Component
public class Bootstrap implements ApplicationRunner {
    private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);

    private final AppUserRepository users;
    private final ApiKeyRepository keys;
    private final PasswordEncoder encoder;
    private final AuditLog audit;
    private final Enrollment enrollment;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Path dataDir;
    private final String tokenFile;
    private final KnowledgeBases knowledgeBases;
    private final boolean publishDefault;

    public Bootstrap(AppUserRepository users, ApiKeyRepository keys, PasswordEncoder encoder, AuditLog audit, Enrollment enrollment,
                     TransactionTemplate tx, Clock clock, @Value("${bulwark.data-dir}") Path dataDir,
                     @Value("${bulwark.enrollment-token-file:}") String tokenFile, KnowledgeBases knowledgeBases,
                     @Value("${bulwark.rules.builtin:}") String builtinRules) {
        this.users = users;
        this.keys = keys;
        this.encoder = encoder;
        this.audit = audit;
        this.enrollment = enrollment;
        this.tx = tx;
        this.clock = clock;
        this.dataDir = dataDir;
        this.tokenFile = tokenFile;
        this.knowledgeBases = knowledgeBases;
        this.publishDefault = !builtinRules.isBlank();
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        if (users.count() == 0) {
            String password = Secrets.generate("").substring(0, 24);
            String apiKey = Secrets.generate("bwk_");
            tx.executeWithoutResult(s -> {
                users.save(new AppUser("admin", encoder.encode(password), Role.ADMIN, clock.instant()));
                keys.save(new ApiKey(Secrets.storedForm(apiKey), apiKey.substring(0, 10), "initial admin key", Role.ADMIN, "bootstrap", clock.instant()));
                audit.record("bootstrap", "user.create", "user/admin", null, "role=ADMIN");
                audit.record("bootstrap", "api-key.create", "api-key/" + apiKey.substring(0, 10), null, "role=ADMIN label=initial admin key");
            });
            writeSecret(dataDir.resolve("initial-admin-password"), password);
            writeSecret(dataDir.resolve("initial-admin-api-key"), apiKey);
            LOG.info("first start: user 'admin' created; its password is in {} and an admin API key in {} (read them, then delete the files)",
                    dataDir.resolve("initial-admin-password"), dataDir.resolve("initial-admin-api-key"));
        }
        if (publishDefault && knowledgeBases.latest().isEmpty()) {
            var kb = knowledgeBases.publish("bootstrap");
            LOG.info("first start: published the default knowledge base as version {} ({} rules)", kb.version(), kb.ruleCount());
        }
        if (!tokenFile.isBlank()) {
            Enrollment.IssuedToken t = enrollment.issue("bootstrap", "local agent", Duration.ofHours(1));
            writeSecret(Path.of(tokenFile), t.token());
        }
    }

    static void writeSecret(Path file, String secret) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
