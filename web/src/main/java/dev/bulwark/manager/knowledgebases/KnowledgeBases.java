package dev.bulwark.manager.knowledgebases;

import dev.bulwark.authoring.cases.RuleTests;
import dev.bulwark.engine.bundle.BundleReader;
import dev.bulwark.engine.bundle.BundleRejectedException;
import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.build.BundleBuilder;
import dev.bulwark.engine.build.RuleBuildException;
import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.audit.AuditLog;
import dev.bulwark.agent.protocol.RequestSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Knowledge bases on the manager: built from the default knowledge base plus the organisation's
 * rules, every rule's cases run against the signed result, stored as the next version; rolled back
 * by publishing an earlier version's content as a new, higher version. Only one publication at a time.
 */
@Service
public class KnowledgeBases {

    private final KnowledgeBasePublisher publisher;
    private final KnowledgeBaseRecordRepository records;
    private final org.springframework.jdbc.core.JdbcTemplate jdbc;
    private final AuditLog audit;
    private final Clock clock;
    private final List<Path> ruleDirs;
    private final List<Path> dataDirs;

    public KnowledgeBases(KnowledgeBaseRecordRepository records, org.springframework.jdbc.core.JdbcTemplate jdbc, AuditLog audit, Clock clock,
                          @Value("${bulwark.data-dir}") Path dataDir,
                          @Value("${bulwark.rules.builtin:}") String builtinRules, @Value("${bulwark.rules.builtin-data:}") String builtinData) {
        this.publisher = new KnowledgeBasePublisher(dataDir, clock);
        this.records = records;
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
        this.ruleDirs = new ArrayList<>();
        this.dataDirs = new ArrayList<>();
        if (!builtinRules.isBlank()) {
            ruleDirs.add(Path.of(builtinRules));
        }
        ruleDirs.add(dataDir.resolve("rules")); // the organisation's own rules
        if (!builtinData.isBlank()) {
            dataDirs.add(Path.of(builtinData));
        }
    }

    /** The rules trees a publication compiles, by source: {@code built-in} (when configured) and {@code organisation}. */
    public java.util.Map<String, Path> ruleSources() {
        java.util.Map<String, Path> out = new java.util.LinkedHashMap<>();
        if (ruleDirs.size() > 1) {
            out.put("built-in", ruleDirs.getFirst());
        }
        out.put("organisation", ruleDirs.getLast());
        return out;
    }

    public KnowledgeBasePublisher publisher() {
        return publisher;
    }

    /** Why a publication was refused: every problem, each with file and line. */
    public static final class PublishRefused extends ApiException {
        public PublishRefused(String message) {
            super(422, "publish-refused", null, message);
        }
    }

    @Transactional
    public synchronized KnowledgeBaseRecord publish(String actor) {
        try {
            List<Path> dirs = new ArrayList<>();
            for (Path d : ruleDirs) {
                Files.createDirectories(d);
                try (var walk = Files.walk(d)) {
                    if (walk.anyMatch(p -> p.toString().endsWith(".drl"))) {
                        dirs.add(d); // the organisation's folder counts once it holds a rule
                    }
                }
            }
            if (dirs.isEmpty()) {
                throw new PublishRefused("there are no rules to publish: give the manager --builtin-rules or put rules in " + ruleDirs.getLast());
            }
            BundleBuilder.Output out = publisher.publish(dirs, dataDirs);
            long version = publisher.versions().getLast();
            LoadedKnowledgeBase kb = KnowledgeBaseLoader.load(
                    new BundleReader(SigningKeys.readPublic(publisher.publicKey())).verify(out.bundle(), 0));
            List<String> failures = new ArrayList<>();
            for (Path d : dirs) {
                RuleTests.Report r = RuleTests.run(d, kb);
                r.problems().forEach(p -> failures.add(p.toString()));
            }
            if (!failures.isEmpty()) {
                Files.deleteIfExists(publisher.bundlePath(version));
                throw new PublishRefused(failures.size() + " rule case(s) failed; nothing was published: " + String.join(" | ", failures.subList(0, Math.min(20, failures.size()))));
            }
            KnowledgeBaseRecord rec = records.saveAndFlush(new KnowledgeBaseRecord(version, clock.instant(), actor, out.compiled().rules().size(),
                    RequestSignature.sha256Hex(out.bundle()), "published from " + dirs));
            keep(version, out.bundle());
            audit.record(actor, "knowledge-base.publish", "knowledge-base/" + version, null, "rules=" + rec.ruleCount() + " sha256=" + rec.sha256());
            return rec;
        } catch (RuleBuildException e) {
            throw new PublishRefused("the rules do not build; nothing was published: "
                    + String.join(" | ", e.problems().stream().limit(20).map(Object::toString).toList()));
        } catch (IOException | BundleRejectedException e) {
            throw new ApiException(500, "publish-failed", null, "publishing failed: " + e.getMessage());
        }
    }

    @Transactional
    public synchronized KnowledgeBaseRecord rollback(String actor, long toVersion) {
        KnowledgeBaseRecord old = records.findById(toVersion)
                .orElseThrow(() -> new ApiException(404, "no-such-version", "version", "no published knowledge base " + toVersion));
        try {
            byte[] oldBytes = bundle(toVersion).orElseThrow(() -> new IOException("the bundle of version " + toVersion + " is kept nowhere"));
            long version = publisher.republish(oldBytes);
            byte[] bytes = Files.readAllBytes(publisher.bundlePath(version));
            KnowledgeBaseRecord rec = records.saveAndFlush(new KnowledgeBaseRecord(version, clock.instant(), actor, old.ruleCount(),
                    RequestSignature.sha256Hex(bytes), "rollback to the content of " + toVersion));
            keep(version, bytes);
            audit.record(actor, "knowledge-base.rollback", "knowledge-base/" + version, "latest=" + toVersion + "'s successor", "content of " + toVersion);
            return rec;
        } catch (IOException | BundleRejectedException e) {
            throw new ApiException(500, "rollback-failed", null, "rolling back failed: " + e.getMessage());
        }
    }

    public Optional<KnowledgeBaseRecord> latest() {
        return records.findTopByOrderByVersionDesc();
    }

    public List<KnowledgeBaseRecord> all() {
        return records.findAllByOrderByVersionDesc();
    }

    /** Keeps the bundle in the database beside its record, for every manager that shares it. */
    private void keep(long version, byte[] bundle) {
        jdbc.update("update knowledge_base set bundle = ? where version = ?", bundle, version);
    }

    /** The bytes of a published version, for agents: from the database, or this manager's data folder for older records. */
    public Optional<byte[]> bundle(long version) throws IOException {
        List<byte[]> kept = jdbc.query("select bundle from knowledge_base where version = ?", (rs, n) -> rs.getBytes(1), version);
        if (kept.isEmpty()) {
            return Optional.empty();
        }
        if (kept.getFirst() != null) {
            return Optional.of(kept.getFirst());
        }
        Path p = publisher.bundlePath(version);
        return Files.exists(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
    }

    /** The version a policy value names: {@code latest} (0 while nothing is published) or the number itself. */
    public long resolve(String policyValue) {
        if (policyValue == null || policyValue.equals("latest")) {
            return latest().map(KnowledgeBaseRecord::version).orElse(0L);
        }
        return Long.parseLong(policyValue);
    }
}
