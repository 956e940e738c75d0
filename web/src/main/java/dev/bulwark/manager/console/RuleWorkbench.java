package dev.bulwark.manager.console;

import dev.bulwark.authoring.cases.RuleTests;
import dev.bulwark.authoring.catalog.CatalogRule;
import dev.bulwark.engine.bundle.BundleRejectedException;
import dev.bulwark.engine.build.BundleBuilder;
import dev.bulwark.engine.build.CompiledKnowledgeBase;
import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import dev.bulwark.engine.build.RuleBuildException;
import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.policy.DrlPolicy;
import dev.bulwark.engine.policy.DrlSource;
import dev.bulwark.engine.policy.RuleProblem;
import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.audit.AuditLog;
import dev.bulwark.manager.knowledgebases.KnowledgeBases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The rule editor's work: the quick check while typing (parse and DRL policy of the one file), the
 * full check (every rule the manager would publish compiled together with the edited file, then the
 * organisation's cases run against the result), and saving (only what passes the full check is
 * written, atomically, into the organisation's rules folder; the catalog takes it as a new version
 * and the audit log records who changed which file from which content hash to which).
 */
@Component
public class RuleWorkbench {
    /** A file of the organisation's rules: up to four folders deep, lower-case names, {@code .drl}. */
    static final Pattern FILE = Pattern.compile("([a-z0-9][a-z0-9_-]{0,63}/){0,3}[a-z0-9][a-z0-9_-]{0,63}\\.drl");
    static final int MAX_TEXT = 256 * 1024;

    /** What the full check found: problems (errors and warnings, with file and line) and each case's outcome. */
    public record Check(List<RuleProblem> problems, List<RuleTests.Outcome> cases, int rules) {
        public boolean passed() {
            return problems.stream().noneMatch(RuleProblem::isError) && cases.stream().allMatch(RuleTests.Outcome::passed);
        }
    }

    private final KnowledgeBases kbs;
    private final ConsoleCatalog catalog;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final DrlPolicy policy = DrlPolicy.standard();

    public RuleWorkbench(KnowledgeBases kbs, ConsoleCatalog catalog, AuditLog audit, TransactionTemplate tx) {
        this.kbs = kbs;
        this.catalog = catalog;
        this.audit = audit;
        this.tx = tx;
    }

    Path organisation() {
        return kbs.ruleSources().get("organisation");
    }

    static String file(String name) {
        String f = Params.text("file", name, 300);
        if (f == null || !FILE.matcher(f).matches()) {
            throw ApiException.badRequest("bad-file", "file", "a rules file is named like web/sqli.drl: lower-case letters, digits, _ and -, up to four folders");
        }
        return f;
    }

    static String text(String name, String value) {
        String v = value == null ? "" : value;
        if (v.length() > MAX_TEXT) {
            throw ApiException.badRequest("too-large", name, name + " has at most " + MAX_TEXT / 1024 + " KiB");
        }
        return v.replace("\r\n", "\n");
    }

    /** The file's DRL and cases as saved, if it exists. */
    public Optional<String[]> read(String file) {
        Path drl = organisation().resolve(file(file));
        if (!Files.isRegularFile(drl)) {
            return Optional.empty();
        }
        try {
            Path cases = casesOf(drl);
            return Optional.of(new String[] {Files.readString(drl), Files.isRegularFile(cases) ? Files.readString(cases) : ""});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The quick check, fast enough to run on every pause in typing: the file parses and keeps to the DRL policy. */
    public List<RuleProblem> lint(String file, String drl) {
        return policy.check(new DrlSource(file(file), text("drl", drl)));
    }

    /** A starting point for a new organisation rule copied from a catalogued one: its file's header, the rule under a new id and name. */
    public String copyOf(CatalogRule rule) {
        StringBuilder header = new StringBuilder();
        Path root = "built-in".equals(rule.source()) ? kbs.ruleSources().get("built-in") : organisation();
        String path = rule.path() == null ? "" : rule.path().replaceAll(":\\d+$", "");
        try {
            if (root != null && !path.isEmpty() && Files.isRegularFile(root.resolve(path))) {
                for (String line : Files.readAllLines(root.resolve(path))) {
                    String t = line.strip();
                    if (t.startsWith("package ") || t.startsWith("import ") || t.startsWith("global ")) {
                        header.append(line).append('\n');
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String body = rule.drl().replaceFirst("@id\\(\"" + Pattern.quote(rule.id()) + "\"\\)", "@id(\"ORG-" + rule.id() + "\")")
                .replaceFirst("^(\\s*rule\\s+\")([^\"]*)\"", "$1$2 (organisation copy)\"");
        return header + "\n" + body + "\n";
    }

    /** The rules a publication would compile with the edited file in place, loaded; or why they did not compile. */
    private record Built(LoadedKnowledgeBase kb, int rules, List<RuleProblem> problems) {
    }

    /** Copies the organisation's rules into {@code work}, puts the edited file (and its cases) in place, and compiles everything with the built-in rules. */
    private Built build(Path work, String f, String drl, String cases) throws IOException {
        Path org = organisation();
        if (Files.isDirectory(org)) {
            try (Stream<Path> walk = Files.walk(org)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    Path to = work.resolve(org.relativize(p).toString());
                    Files.createDirectories(to.getParent());
                    Files.copy(p, to);
                }
            }
        }
        Path target = work.resolve(f);
        Files.createDirectories(target.getParent());
        Files.writeString(target, text("drl", drl));
        Files.deleteIfExists(casesOf(target));
        String c = text("cases", cases);
        if (!c.isBlank()) {
            Files.writeString(casesOf(target), c);
        }
        List<DrlSource> sources = new ArrayList<>();
        Path builtIn = kbs.ruleSources().get("built-in");
        if (builtIn != null && Files.isDirectory(builtIn)) {
            BundleBuilder.readSources(builtIn).forEach(s -> sources.add(new DrlSource("built-in/" + s.path(), s.text())));
        }
        BundleBuilder.readSources(work).forEach(s -> sources.add(new DrlSource(s.path(), s.text())));
        CompiledKnowledgeBase compiled;
        try {
            compiled = new KnowledgeBaseCompiler(policy).compile(sources);
        } catch (RuleBuildException e) {
            return new Built(null, 0, e.problems());
        }
        try {
            return new Built(KnowledgeBaseLoader.load(compiled.kjar(), null), compiled.rules().size(), new ArrayList<>(compiled.warnings()));
        } catch (BundleRejectedException e) {
            return new Built(null, 0, List.of(RuleProblem.error(RuleProblem.Kind.COMPILE_ERROR, null, f, 1, 1,
                    "the compiled rules did not load: " + e.getMessage())));
        }
    }

    /** The full check of the edited file among all the rules a publication would compile. */
    public Check check(String file, String drl, String cases) {
        String f = file(file);
        Path work = null;
        try {
            work = Files.createTempDirectory("bulwark-editor");
            Built built = build(work, f, drl, cases);
            if (built.kb() == null) {
                return new Check(built.problems(), List.of(), 0);
            }
            List<RuleProblem> problems = new ArrayList<>(built.problems());
            Path builtIn = kbs.ruleSources().get("built-in");
            // the same cases a publication runs: the built-in ones too, since an organisation rule that
            // also fires on their facts changes what they see
            List<RuleTests.Outcome> outcomes = new ArrayList<>();
            if (builtIn != null && Files.isDirectory(builtIn)) {
                RuleTests.Report r = RuleTests.run(builtIn, built.kb());
                r.outcomes().forEach(o -> outcomes.add(new RuleTests.Outcome("built-in/" + o.file(), o.line(), o.name(), o.failures())));
                r.problems().stream().filter(RuleProblem::isError)
                        .map(p -> RuleProblem.error(p.kind(), p.ruleId(), "built-in/" + p.path(), p.line(), p.column(), p.message()))
                        .forEach(problems::add);
            }
            RuleTests.Report report = RuleTests.run(work, built.kb());
            problems.addAll(report.problems());
            outcomes.addAll(report.outcomes());
            return new Check(problems, outcomes, built.rules());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(work);
        }
    }

    /** An event the edited rules fire on when its recorded facts are replayed, or no longer fire on. */
    public record Hit(long eventId, java.time.Instant time, String hostname, String eventRule, String summary, List<String> fires, String change) {
    }

    /**
     * What-if: the facts recorded with recent events, replayed through every rule a publication would
     * compile with the edited file in place. Only the rules of the edited file are reported: the
     * events they would now fire on (new ones, and ones they raised before), and the events they
     * raised that they would no longer fire on. Facts are what each event's rule matched, one event
     * at a time, so correlation over many events is not replayed. {@code module} is the edited rules'
     * module when they share one (its events are replayed), else null (every module's).
     */
    public record WhatIf(List<RuleProblem> problems, List<String> ruleIds, String module, int events, int replayed, int skipped, List<Hit> hits) {
        public boolean compiles() {
            return problems.stream().noneMatch(RuleProblem::isError);
        }

        public long newHits() {
            return hits.stream().filter(h -> h.change().equals("new")).count();
        }

        public long stillHits() {
            return hits.stream().filter(h -> h.change().equals("still")).count();
        }

        public long lost() {
            return hits.stream().filter(h -> h.change().equals("lost")).count();
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper FACTS = new com.fasterxml.jackson.databind.ObjectMapper()
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * Compiles, finds the edited file's rules in the compiled metadata (by the package and rule names
     * the DRL parser reads from the file), asks {@code recent} for the latest events of their module
     * (null: every module) and replays them.
     */
    public WhatIf whatIf(String file, String drl, java.util.function.Function<String, List<dev.bulwark.manager.events.EventStore.StoredEvent>> recent) {
        String f = file(file);
        String text = text("drl", drl);
        Path work = null;
        try {
            work = Files.createTempDirectory("bulwark-whatif");
            Built built = build(work, f, text, "");
            if (built.kb() == null) {
                return new WhatIf(built.problems(), List.of(), null, 0, 0, 0, List.of());
            }
            java.util.Set<String> names = new java.util.HashSet<>();
            policy.checkAndParse(new DrlSource(f, text)).parsed()
                    .ifPresent(pkg -> pkg.getRules().forEach(r -> names.add(pkg.getName() + "|" + r.getName())));
            List<dev.bulwark.engine.RuleMetadata> edited = built.kb().rules().values().stream()
                    .filter(md -> names.contains(md.rulePackage() + "|" + md.ruleName())).toList();
            java.util.Set<String> ids = new java.util.TreeSet<>();
            java.util.Set<String> modules = new java.util.TreeSet<>();
            edited.forEach(md -> {
                ids.add(md.id());
                modules.add(md.module());
            });
            String module = modules.size() == 1 ? modules.iterator().next() : null;
            List<dev.bulwark.manager.events.EventStore.StoredEvent> events = recent.apply(module);
            int replayed = 0;
            int skipped = 0;
            List<Hit> hits = new ArrayList<>();
            for (var e : events) {
                List<Object> facts = facts(e.event().path("explanation").path("facts"));
                if (facts == null) {
                    skipped++;
                    continue;
                }
                replayed++;
                var r = built.kb().evaluate(facts);
                java.util.Set<String> fired = new java.util.TreeSet<>();
                r.findings().forEach(x -> fired.add(x.ruleId()));
                r.verdicts().forEach(x -> fired.add(x.ruleId()));
                r.assignments().forEach(x -> fired.add(x.explanation().ruleId()));
                fired.retainAll(ids);
                boolean before = e.ruleId() != null && ids.contains(e.ruleId());
                if (!fired.isEmpty() || before) {
                    hits.add(new Hit(e.id(), e.time(), e.hostname(), e.ruleId(), e.summary(), List.copyOf(fired),
                            fired.isEmpty() ? "lost" : before ? "still" : "new"));
                }
            }
            return new WhatIf(built.problems(), List.copyOf(ids), module, events.size(), replayed, skipped, hits);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(work);
        }
    }

    /** The facts an event recorded, as the engine's types; null when there are none or one cannot be rebuilt. */
    private static List<Object> facts(tools.jackson.databind.JsonNode recorded) {
        if (!recorded.isArray() || recorded.isEmpty()) {
            return null;
        }
        List<Object> out = new ArrayList<>();
        for (tools.jackson.databind.JsonNode f : recorded) {
            Optional<Class<?>> type = dev.bulwark.engine.FactTypes.bySimpleName(f.path("type").asString(""));
            if (type.isEmpty()) {
                return null;
            }
            try {
                out.add(FACTS.readValue(f.path("fact").toString(), type.get()));
            } catch (IOException | RuntimeException ex) {
                return null; // recorded by another version of the engine, or not a fact that can be rebuilt
            }
        }
        return out;
    }

    /** Saves the file (and its cases) when the full check passes; answers the check either way. One save at a time. */
    public synchronized Check save(String actor, String file, String drl, String cases) {
        String f = file(file);
        Check check = check(f, drl, cases);
        if (!check.passed()) {
            return check;
        }
        Path target = organisation().resolve(f);
        try {
            String before = Files.isRegularFile(target) ? sha256(Files.readString(target)) : null;
            write(target, text("drl", drl));
            String c = text("cases", cases);
            if (c.isBlank()) {
                Files.deleteIfExists(casesOf(target));
            } else {
                write(casesOf(target), c);
            }
            tx.executeWithoutResult(s -> audit.record(actor, "rule-file.save", "rules/organisation/" + f,
                    before == null ? null : "sha256=" + before, "sha256=" + sha256(text("drl", drl)) + (c.isBlank() ? "" : " with cases")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catalog.sync(actor);
        return check;
    }

    private static Path casesOf(Path drl) {
        return drl.resolveSibling(drl.getFileName().toString().replaceAll("\\.drl$", ".cases.yaml"));
    }

    private static void write(Path target, String text) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), ".editor-", ".tmp");
        try {
            Files.writeString(tmp, text);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
