package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.integrity.BaselineFile;
import dev.bulwark.agent.integrity.ChangeRating;
import dev.bulwark.agent.integrity.EntityBaseline;
import dev.bulwark.agent.integrity.EntityCollectors;
import dev.bulwark.agent.integrity.ExpectedChanges;
import dev.bulwark.agent.integrity.FimWatcher;
import dev.bulwark.agent.integrity.IntegrityScan;
import dev.bulwark.agent.integrity.MonitorPlan;
import dev.bulwark.agent.integrity.PackageManagerEvidence;
import dev.bulwark.agent.report.ResultJson;
import dev.bulwark.agent.store.AgentStateStore;
import dev.bulwark.agent.store.AtomicFiles;
import dev.bulwark.engine.Finding;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.integrity.EntityChange;
import dev.bulwark.engine.integrity.FileAttribute;
import dev.bulwark.engine.integrity.FileChange;
import dev.bulwark.engine.integrity.FileState;
import dev.bulwark.engine.integrity.MonitorSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bulwark-agent fim}: file integrity monitoring from the command line. */
@Command(name = "fim", mixinStandardHelpOptions = true,
        description = {"File integrity monitoring: build a baseline, check the file system against it, show differences.",
                "What is monitored: --path trees (standard attributes), --policy (the installed knowledge base's @monitor rules),",
                "or, with neither, what the baseline was built for."},
        subcommands = {FimCommand.Baseline.class, FimCommand.Check.class, FimCommand.Diff.class, FimCommand.Watch.class, FimCommand.Maintenance.class},
        footer = {"", "Exit codes: 0 nothing changed, 1 changes found, 3 bundle refused, 4 state error (no or damaged baseline), 64 usage."})
final class FimCommand implements Runnable {

    static final String BASELINE_FILE = "baseline.fim";
    static final String MAINTENANCE_FILE = "maintenance-until";
    static final String ENTITY_FILE = "entities.json";
    private static final int RATE_BATCH = 512;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the baseline lives and what to monitor; shared by every subcommand. */
    static class Scope {
        @CommandLine.Mixin
        AgentCommand.StateOption state;
        @CommandLine.Mixin
        AgentCommand.KnowledgeBaseSource source;
        @Option(names = "--path", paramLabel = "DIR", description = "monitor this tree with the standard attributes (repeatable)")
        List<String> paths = new ArrayList<>();
        @Option(names = "--exclude", paramLabel = "GLOB", description = "leave out paths matching this glob, with --path (repeatable; ** crosses directories)")
        List<String> excludes = new ArrayList<>();
        @Option(names = "--attributes", paramLabel = "LIST", defaultValue = "STANDARD",
                description = "with --path: attributes to record (STANDARD, CONTENT, PERMISSIONS, GROWING or names such as sha256,mode; -name removes one; default: ${DEFAULT-VALUE})")
        String attributes;
        @Option(names = "--policy", description = "monitor what the installed knowledge base's integrity rules ask (@monitor, @monitorEntities)")
        boolean policy;
        @Option(names = "--entities", paramLabel = "LIST",
                description = "also monitor system entities: all, or some of package, service, port, user, group, kmod, crontab")
        String entities;
        @Option(names = "--store", paramLabel = "DIR", description = "where the baseline lives (default: the agent state's fim/ folder)")
        Path store;
        @Option(names = "--threads", paramLabel = "N", description = "threads hashing in parallel (default: the number of CPUs)")
        int threads = Runtime.getRuntime().availableProcessors();
        @Option(names = "--json", description = "one JSON object per change")
        boolean json;

        Path storeDir() {
            return store != null ? store : state.store().root().resolve("fim");
        }

        Path baseline() {
            return storeDir().resolve(BASELINE_FILE);
        }

        Path entityBaseline() {
            return storeDir().resolve(ENTITY_FILE);
        }

        private EntityBaseline.Snapshot stored;

        /** The entity baseline (read once, then kept current as this command writes it; the file must exist). */
        EntityBaseline.Snapshot storedEntities() throws IOException {
            if (stored == null) {
                stored = EntityBaseline.read(entityBaseline());
            }
            return stored;
        }

        /** --entities, else what --policy's rules rate, else what the entity baseline holds. */
        List<String> entityTypes(LoadedKnowledgeBase kb) throws IOException {
            if (entities != null) {
                return MonitorSpec.entityTypes(entities);
            }
            if (policy && kb != null && !kb.monitoredEntities().isEmpty()) {
                return kb.monitoredEntities();
            }
            if (Files.exists(entityBaseline()) && paths.isEmpty()) {
                return storedEntities().types();
            }
            return List.of();
        }

        /**
         * The knowledge base, loaded on first use: --policy needs it at once for the plan, a check
         * only when it has a change to rate. {@code null} (with a note on stderr) when none loads.
         */
        java.util.function.Supplier<LoadedKnowledgeBase> lazyKnowledgeBase(LoadedKnowledgeBase alreadyLoaded) {
            LoadedKnowledgeBase[] kb = {alreadyLoaded};
            boolean[] tried = {alreadyLoaded != null};
            return () -> {
                if (!tried[0]) {
                    tried[0] = true;
                    try {
                        kb[0] = knowledgeBase(false);
                    } catch (AgentCommand.KnowledgeBaseUnavailable e) {
                        System.err.println(e.getMessage() + "; changes are reported without rules");
                    }
                }
                return kb[0];
            };
        }

        /** The knowledge base that rates changes, or {@code null} (with a note on stderr) when none can be loaded. */
        LoadedKnowledgeBase knowledgeBase(boolean required) throws AgentCommand.KnowledgeBaseUnavailable {
            AgentStateStore s = state.store();
            if (required || source.bundle != null) {
                return source.require(s);
            }
            try {
                return source.load(s);
            } catch (Exception e) {
                System.err.println("note: changes are reported without rules (" + e.getMessage() + ")");
                return null;
            }
        }

        /** The plan from --path, --policy, or the baseline's own. */
        MonitorPlan plan(LoadedKnowledgeBase kb, BaselineFile.Reader existing) throws IOException, CommandLine.ParameterException {
            if (!paths.isEmpty() && policy) {
                throw new IllegalArgumentException("give --path or --policy, not both");
            }
            if (!paths.isEmpty()) {
                Set<FileAttribute> attrs = FileAttribute.parse(attributes);
                List<MonitorSpec> specs = new ArrayList<>();
                for (String p : paths) {
                    String abs = dev.bulwark.agent.integrity.RawPaths.display(dev.bulwark.agent.integrity.RawPaths.of(p));
                    specs.add(new MonitorSpec("path:" + abs, List.of(abs), excludes, attrs, -1, false));
                }
                return new MonitorPlan(specs);
            }
            if (policy) {
                if (kb == null || kb.monitorSpecs().isEmpty()) {
                    throw new IllegalArgumentException("the installed knowledge base has no integrity rule with @monitor; give --path DIR");
                }
                return new MonitorPlan(kb.monitorSpecs());
            }
            if (existing != null) {
                return existing.plan();
            }
            if (Files.exists(baseline())) {
                // A rebuild without --path: of what the current baseline covers.
                try (BaselineFile.Reader current = new BaselineFile.Reader(baseline())) {
                    return current.plan();
                }
            }
            throw new IllegalArgumentException("nothing to monitor: give --path DIR or --policy (no baseline in " + storeDir() + " to take a plan from)");
        }

        BaselineFile.Reader openExisting(boolean required) throws IOException {
            Path f = baseline();
            if (!Files.exists(f)) {
                if (required) {
                    throw new NoBaseline(f);
                }
                return null;
            }
            return new BaselineFile.Reader(f);
        }

        ExpectedChanges expected() throws IOException {
            return PackageManagerEvidence.system(maintenanceUntil(storeDir()));
        }
    }

    static final class NoBaseline extends IOException {
        NoBaseline(Path f) {
            super("no baseline at " + f + "; build one with 'bulwark-agent fim baseline --path DIR' (or --entities LIST, or --policy)");
        }
    }

    /** Rates and prints changes in batches; counts them. */
    static final class Printer implements IntegrityScan.Listener {
        private final PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
        private final ChangeRating rating;
        private final boolean json;
        private final boolean tty;
        private final long expectedEntries;
        private final long started = System.nanoTime();
        private final List<IntegrityScan.Change> batch = new ArrayList<>();
        private long warnings;
        private boolean progressShown;

        Printer(java.util.function.Supplier<LoadedKnowledgeBase> kb, boolean json, long expectedEntries) {
            this.rating = new ChangeRating(kb);
            this.json = json;
            this.tty = System.console() != null && !json;
            this.expectedEntries = expectedEntries;
        }

        @Override
        public void change(IntegrityScan.Change change) {
            batch.add(change);
            if (batch.size() >= RATE_BATCH) {
                flush();
            }
        }

        @Override
        public void progress(long entries, long bytesHashed) {
            if (!tty) {
                return;
            }
            double secs = Math.max((System.nanoTime() - started) / 1e9, 1e-9);
            String bar = expectedEntries > 0 ? ProgressBar.bar(entries, expectedEntries) : "";
            System.err.printf("\r%s%,d entries, %,.0f MB hashed, %,.0f entries/s", bar, entries, bytesHashed / 1e6, entries / secs);
            progressShown = true;
        }

        @Override
        public void warning(String path, String problem) {
            warnings++;
            clearProgress();
            if (warnings <= 20) {
                System.err.println("warning: " + path + ": " + problem);
            } else if (warnings == 21) {
                System.err.println("warning: more entries could not be read; the summary counts them");
            }
        }

        private void clearProgress() {
            if (progressShown) {
                System.err.print("\r\033[K");
                progressShown = false;
            }
        }

        void flush() {
            if (batch.isEmpty()) {
                return;
            }
            clearProgress();
            for (ChangeRating.Rated<IntegrityScan.Change> r : rating.rate(batch, IntegrityScan.Change::fact)) {
                out.println(json ? json(r).toString() : text(r));
            }
            for (var f : rating.lastFailures()) {
                System.err.printf("rule %s failed: %s%n", f.ruleId(), f.error());
            }
            out.flush();
            batch.clear();
        }

        /** Rates and prints entity changes. */
        void entities(List<EntityChange> changes, String expectedBecause) {
            if (changes.isEmpty()) {
                return;
            }
            flush();
            clearProgress();
            for (ChangeRating.Rated<EntityChange> r : rating.rate(changes, c -> c)) {
                out.println(json ? json(r, expectedBecause).toString() : text(r, expectedBecause));
            }
            for (var f : rating.lastFailures()) {
                System.err.printf("rule %s failed: %s%n", f.ruleId(), f.error());
            }
            out.flush();
        }

        void finish(IntegrityScan.Summary s, String what) {
            flush();
            clearProgress();
            double secs = s.nanos() / 1e9;
            System.err.printf("%s %,d entries in %.2f s (%,d files hashed, %,.1f MB, %,d hashes reused)%s%s%n", what, s.entries(), secs,
                    s.hashed(), s.bytesHashed() / 1e6, s.hashesReused(),
                    s.changes() == 0 && !what.startsWith("baseline") ? ": no change"
                            : what.startsWith("baseline") ? "" : String.format(": %,d created, %,d modified, %,d deleted, %,d renamed",
                            s.created(), s.modified(), s.deleted(), s.renamed()),
                    s.warnings() == 0 ? "" : String.format("; %,d entries could not be fully read", s.warnings()));
        }
    }

    static ObjectNode json(ChangeRating.Rated<IntegrityScan.Change> r) {
        FileChange c = r.change().fact();
        ObjectNode n = ResultJson.MAPPER.createObjectNode();
        n.put("entity", "file");
        n.put("path", c.path());
        n.put("change", c.kind().name().toLowerCase(Locale.ROOT));
        n.set("attributes", ResultJson.MAPPER.valueToTree(c.changedAttributes()));
        n.set("before", c.before() == null ? null : ResultJson.MAPPER.valueToTree(c.before()));
        n.set("after", c.after() == null ? null : ResultJson.MAPPER.valueToTree(c.after()));
        n.put("expected", c.expected());
        if (r.change().expectedBecause() != null) {
            n.put("expectedBecause", r.change().expectedBecause());
        }
        return rating(n, r.findings());
    }

    /** What the rules said: the top finding's severity and rule id, and every finding in full. */
    private static ObjectNode rating(ObjectNode n, List<Finding> findings) {
        n.put("severity", findings.isEmpty() ? null : findings.getFirst().severity().label());
        n.put("ruleId", findings.isEmpty() ? null : findings.getFirst().ruleId());
        ArrayNode fs = n.putArray("findings");
        for (Finding f : findings) {
            fs.add(ResultJson.of(f));
        }
        return n;
    }

    static ObjectNode json(ChangeRating.Rated<EntityChange> r, String expectedBecause) {
        EntityChange c = r.change();
        ObjectNode n = ResultJson.MAPPER.createObjectNode();
        n.put("entity", c.entityType());
        n.put("key", c.key());
        n.put("change", c.kind().name().toLowerCase(Locale.ROOT));
        n.set("before", c.before().isEmpty() && c.kind() == dev.bulwark.engine.integrity.ChangeKind.CREATED ? null : ResultJson.MAPPER.valueToTree(c.before()));
        n.set("after", c.after().isEmpty() && c.kind() == dev.bulwark.engine.integrity.ChangeKind.DELETED ? null : ResultJson.MAPPER.valueToTree(c.after()));
        n.put("expected", c.expected());
        if (c.expected()) {
            n.put("expectedBecause", expectedBecause);
        }
        return rating(n, r.findings());
    }

    /** The rules' word on a change, for a text line: the top finding, or why there is none. */
    private static void rating(StringBuilder sb, List<Finding> findings, boolean expected, String expectedBecause) {
        if (findings.isEmpty()) {
            sb.append(expected ? "  expected: " + expectedBecause : "  (no rule rates this change)");
        } else {
            Finding top = findings.getFirst();
            sb.append("  ").append(top.severity().label()).append(' ').append(top.ruleId()).append(": ").append(top.message());
        }
    }

    static String text(ChangeRating.Rated<EntityChange> r, String expectedBecause) {
        EntityChange c = r.change();
        StringBuilder sb = new StringBuilder(String.format("%-8s %s %s", c.kind().name().toLowerCase(Locale.ROOT), c.entityType(), c.key()));
        rating(sb, r.findings(), c.expected(), expectedBecause);
        java.util.TreeSet<String> keys = new java.util.TreeSet<>(c.before().keySet());
        keys.addAll(c.after().keySet());
        for (String k : keys) {
            String b = c.before().get(k);
            String a = c.after().get(k);
            if (c.kind() == dev.bulwark.engine.integrity.ChangeKind.MODIFIED && !java.util.Objects.equals(a, b)) {
                sb.append("\n    ").append(k).append(": ").append(b).append(" -> ").append(a);
            }
        }
        return sb.toString();
    }

    static String text(ChangeRating.Rated<IntegrityScan.Change> r) {
        FileChange c = r.change().fact();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-8s %s", c.kind().name().toLowerCase(Locale.ROOT), c.path()));
        if (c.kind() == dev.bulwark.engine.integrity.ChangeKind.RENAMED) {
            sb.append("  (from ").append(c.before().path()).append(')');
        }
        if (!c.changedAttributes().isEmpty()) {
            sb.append("  [").append(String.join(",", c.changedAttributes())).append(']');
        }
        rating(sb, r.findings(), c.expected(), r.change().expectedBecause());
        if (c.before() != null && c.after() != null) {
            for (String a : c.changedAttributes()) {
                if (!a.equals("path")) {
                    sb.append("\n    ").append(a).append(": ").append(value(c.before(), a)).append(" -> ").append(value(c.after(), a));
                }
            }
        }
        return sb.toString();
    }

    private static String value(FileState s, String attribute) {
        return switch (attribute) {
            case "type" -> s.type();
            case "sha256" -> s.sha256();
            case "size" -> Long.toString(s.size());
            case "mode" -> String.format("%04o", s.mode());
            case "uid" -> Integer.toString(s.uid());
            case "gid" -> Integer.toString(s.gid());
            case "owner" -> s.owner();
            case "group" -> s.group();
            case "mtime" -> Instant.ofEpochSecond(0, s.mtime()).toString();
            case "ctime" -> Instant.ofEpochSecond(0, s.ctime()).toString();
            case "inode" -> Long.toString(s.inode());
            case "links" -> Integer.toString(s.linkCount());
            case "target" -> s.linkTarget();
            case "xattrs" -> s.xattrs().toString();
            case "acl" -> s.acl();
            default -> "?";
        };
    }

    static Instant maintenanceUntil(Path storeDir) throws IOException {
        Path f = storeDir.resolve(MAINTENANCE_FILE);
        if (!Files.exists(f)) {
            return null;
        }
        String text = Files.readString(f, StandardCharsets.US_ASCII).trim();
        try {
            return Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IOException(f + " is corrupt ('" + text + "'); end the window with 'bulwark-agent fim maintenance --end'");
        }
    }

    /** Runs one pass and prints it; used by baseline, check and diff. */
    static int pass(Scope scope, boolean compare, boolean update, String onlyPackage) throws Exception {
        try (java.nio.channels.FileChannel lock = BaselineFile.lock(scope.storeDir())) {
            return lockedPass(scope, compare, update, onlyPackage);
        }
    }

    private static int lockedPass(Scope scope, boolean compare, boolean update, String onlyPackage) throws Exception {
        // Loaded now when --policy needs it for the plan or --bundle names one (a refused bundle
        // then fails the command); otherwise the installed one at the first change to rate.
        LoadedKnowledgeBase kb = scope.policy || scope.source.bundle != null ? scope.knowledgeBase(true) : null;
        java.util.function.Supplier<LoadedKnowledgeBase> rules = scope.lazyKnowledgeBase(kb);
        boolean files = !scope.paths.isEmpty() || scope.policy && kb != null && !kb.monitorSpecs().isEmpty() || Files.exists(scope.baseline());
        List<String> entityTypes = scope.entityTypes(kb);
        if (!files && entityTypes.isEmpty()) {
            if (compare) {
                throw new NoBaseline(scope.baseline());
            }
            throw new IllegalArgumentException("nothing to monitor: give --path DIR, --entities LIST or --policy");
        }
        if (compare && !files && !Files.exists(scope.entityBaseline())) {
            throw new NoBaseline(scope.baseline());
        }
        long changes = 0;
        Printer printer = null;
        if (files) {
            BaselineFile.Reader old = compare ? scope.openExisting(true) : null;
            try {
                printer = new Printer(rules, scope.json, old == null ? -1 : old.count());
                changes += filePass(scope, kb, old, compare, update, onlyPackage, printer);
            } finally {
                if (old != null) {
                    old.close();
                }
            }
        }
        if (!entityTypes.isEmpty() && onlyPackage == null) {
            changes += entityPass(scope, entityTypes, compare, update, printer != null ? printer : new Printer(rules, scope.json, -1));
        }
        return compare && changes > 0 ? ExitCodes.RESULTS : ExitCodes.OK;
    }

    private static long filePass(Scope scope, LoadedKnowledgeBase kb, BaselineFile.Reader old, boolean compare, boolean update, String onlyPackage,
                                 Printer printer) throws IOException {
        MonitorPlan oldPlan = old == null ? null : old.plan();
        MonitorPlan plan = scope.plan(kb, old);
        if (oldPlan != null && !oldPlan.toJson().equals(plan.toJson())) {
            System.err.println("note: the plan changed from '" + oldPlan.describe() + "' to '" + plan.describe()
                    + "': newly covered paths join the baseline without being reported, paths no longer covered leave it");
        }
        ExpectedChanges expected = scope.expected();
        Predicate<String> inScope = p -> true;
        if (onlyPackage != null) {
            Set<String> files = PackageManagerEvidence.packageFiles(Path.of("/var/lib/dpkg/info"), onlyPackage);
            inScope = files::contains;
            expected = (b, a) -> "baseline rebuilt for package " + onlyPackage;
        }
        IntegrityScan.Summary summary = runFilePass(scope.baseline(), old, plan, new IntegrityScan(plan, scope.threads, expected), update,
                inScope, null, printer, printer::flush);
        printer.finish(summary, !compare ? "baseline of" : onlyPackage != null ? "baseline of package " + onlyPackage + ":" : "checked");
        if (!compare) {
            System.err.println("baseline written to " + scope.baseline());
        }
        return compare ? summary.changes() : 0;
    }

    /**
     * One file pass: compares with {@code old} (when there is one) and, with {@code update}, writes
     * the next baseline beside it. It replaces the old one only when it would differ (a change, a
     * warning, another plan); otherwise the new file would be the old one byte for byte, so it is
     * dropped rather than synced and renamed.
     */
    static IntegrityScan.Summary runFilePass(Path baseline, BaselineFile.Reader old, MonitorPlan plan, IntegrityScan scan, boolean update,
                                             Predicate<String> inScope, List<dev.bulwark.agent.integrity.TreeWalker.Start> starts,
                                             IntegrityScan.Listener listener, Runnable flush) throws IOException {
        MonitorPlan oldPlan = old == null ? null : old.plan();
        if (!update) {
            IntegrityScan.Summary s = scan.run(old, oldPlan, null, inScope, starts, listener);
            flush.run();
            return s;
        }
        try (BaselineFile.Writer out = new BaselineFile.Writer(baseline, plan.toJson())) {
            IntegrityScan.Summary s = scan.run(old, oldPlan, out, inScope, starts, listener);
            flush.run();
            if (old == null || s.changes() > 0 || s.warnings() > 0 || !oldPlan.toJson().equals(plan.toJson())) {
                out.commit();
            }
            return s;
        }
    }

    /** Packages, services, ports, users, groups, kernel modules, crontabs: collect, compare, rate, print. */
    private static long entityPass(Scope scope, List<String> types, boolean compare, boolean update, Printer printer)
            throws IOException {
        long started = System.nanoTime();
        EntityBaseline.Snapshot now = EntityBaseline.collect(new EntityCollectors(Path.of("/")), types);
        Path file = scope.entityBaseline();
        long count = now.entities().values().stream().mapToLong(Map::size).sum();
        if (!compare || !Files.exists(file)) {
            if (update) {
                EntityBaseline.write(file, now);
                scope.stored = now;
            }
            System.err.printf("baseline of %,d entities (%s) in %.2f s, written to %s%n", count, String.join(", ", types),
                    (System.nanoTime() - started) / 1e9, file);
            return 0;
        }
        EntityBaseline.Snapshot before = scope.storedEntities();
        String because = scope.expected().explain(null, null);
        List<EntityChange> changes = EntityBaseline.compare(before, now, because, System.currentTimeMillis());
        printer.entities(changes, because);
        if (update && (!changes.isEmpty() || !before.types().equals(now.types()))) {
            EntityBaseline.write(file, now);
            // fim watch compares again at its next full pass: against this, not what was read at the start.
            scope.stored = now;
        }
        System.err.printf("checked %,d entities (%s) in %.2f s: %s%n", count, String.join(", ", types), (System.nanoTime() - started) / 1e9,
                changes.isEmpty() ? "no change" : String.format("%,d changes", changes.size()));
        return changes.size();
    }

    static int guarded(Callable<Integer> body) throws Exception {
        try {
            return body.call();
        } catch (IOException e) {
            System.err.println(e.getMessage());
            return ExitCodes.STATE_ERROR;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return ExitCodes.USAGE;
        } catch (AgentCommand.KnowledgeBaseUnavailable e) {
            System.err.println(e.getMessage());
            return e.exitCode();
        }
    }

    @Command(name = "baseline", mixinStandardHelpOptions = true,
            description = {"Record the monitored trees (hashing every file) as the new baseline. Written atomically: an interrupted run leaves the old one.",
                    "--package NAME rebuilds only the files that dpkg package installed, printing what changed for them."})
    static final class Baseline implements Callable<Integer> {
        @CommandLine.Mixin
        Scope scope;
        @Option(names = "--package", paramLabel = "NAME", description = "rebuild only the entries of this installed package")
        String pkg;

        @Override
        public Integer call() throws Exception {
            return guarded(() -> {
                int rc = pass(scope, pkg != null, true, pkg);
                return pkg != null ? ExitCodes.OK : rc;
            });
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Compare the file system with the baseline, print each change once with the rules' rating, then let the baseline follow.",
                    "Content is read again only where inode, size, mtime or ctime changed."})
    static final class Check implements Callable<Integer> {
        @CommandLine.Mixin
        Scope scope;
        @Option(names = "--no-update", description = "leave the baseline as it is (changes are reported again next time)")
        boolean noUpdate;

        @Override
        public Integer call() throws Exception {
            return guarded(() -> pass(scope, true, !noUpdate, null));
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "Show what differs from the baseline without changing it.")
    static final class Diff implements Callable<Integer> {
        @CommandLine.Mixin
        Scope scope;

        @Override
        public Integer call() throws Exception {
            return guarded(() -> pass(scope, true, false, null));
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = {"Check once, then watch in real time: fanotify on the monitored file systems (inotify where fanotify is not allowed),",
                    "bursts coalesced and checked against the baseline; each change printed once as it settles. Stops on SIGINT/SIGTERM or after --for."})
    static final class Watch implements Callable<Integer> {
        @CommandLine.Mixin
        Scope scope;
        @Option(names = "--settle", paramLabel = "DURATION", defaultValue = "1s",
                description = "wait this long after the first event of a burst, and at least this long between passes (default: ${DEFAULT-VALUE})")
        String settle;
        @Option(names = "--max-paths", paramLabel = "N", defaultValue = "10000",
                description = "more changed paths than this in one burst make a full check instead (default: ${DEFAULT-VALUE})")
        int maxPaths;
        @Option(names = "--inotify", description = "use inotify even where fanotify is allowed")
        boolean inotify;
        @Option(names = "--full-every", paramLabel = "DURATION", description = "also check everything this often (the scheduled check; e.g. 1h)")
        String fullEvery;
        @Option(names = "--for", paramLabel = "DURATION", description = "stop after this long (default: until interrupted)")
        String duration;

        @Override
        public Integer call() throws Exception {
            return guarded(() -> {
                java.time.Duration settleFor = parseDuration(settle);
                long stopAt = duration == null ? Long.MAX_VALUE : System.nanoTime() + parseDuration(duration).toNanos();
                java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
                // On SIGTERM/SIGINT: ask the loop to stop and let the pass in progress commit (or not) first.
                Thread hook = new Thread(() -> {
                    stop.set(true);
                    try {
                        stopped.await(30, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                Runtime.getRuntime().addShutdownHook(hook);
                try (java.nio.channels.FileChannel lock = BaselineFile.lock(scope.storeDir())) {
                    LoadedKnowledgeBase kb = scope.policy || scope.source.bundle != null ? scope.knowledgeBase(true) : null;
                    MonitorPlan plan;
                    try (BaselineFile.Reader existing = scope.openExisting(false)) {
                        plan = scope.plan(kb, existing);
                    }
                    Printer printer = new Printer(scope.lazyKnowledgeBase(kb), scope.json, -1);
                    IntegrityScan scan = new IntegrityScan(plan, scope.threads, scope.expected());
                    // Entities have no events to watch: they are checked with every full pass.
                    List<String> entityTypes = scope.entityTypes(kb);
                    long[] changes = new long[1];
                    FimWatcher.Passes passes = new FimWatcher.Passes() {
                        @Override
                        public void partial(dev.bulwark.agent.integrity.DirtySet dirty) throws IOException {
                            changes[0] += pass(dirty.scope(), dirty.starts());
                        }

                        @Override
                        public void full() throws IOException {
                            changes[0] += pass(p -> true, null);
                            if (!entityTypes.isEmpty()) {
                                changes[0] += entityPass(scope, entityTypes, true, true, printer);
                            }
                        }

                        private long pass(Predicate<String> inScope, List<dev.bulwark.agent.integrity.TreeWalker.Start> starts) throws IOException {
                            boolean first = !Files.exists(scope.baseline());
                            try (BaselineFile.Reader old = first ? null : new BaselineFile.Reader(scope.baseline())) {
                                IntegrityScan.Summary s = runFilePass(scope.baseline(), old, plan, scan, true, inScope, starts, printer, printer::flush);
                                if (first) {
                                    System.err.printf("baseline of %,d entries written to %s%n", s.entries(), scope.baseline());
                                }
                                return s.changes();
                            }
                        }
                    };
                    passes.full();
                    try (FimWatcher watcher = new FimWatcher(plan, passes, settleFor, maxPaths)) {
                        if (fullEvery != null) {
                            watcher.fullPassEvery(parseDuration(fullEvery));
                        }
                        String source = watcher.start(!inotify);
                        System.err.println("watching " + plan.describe() + " with " + source + " (settle " + settle + ")");
                        watcher.run(() -> stop.get() || System.nanoTime() >= stopAt);
                        System.err.printf("stopped: %,d events, %,d partial and %,d full passes, %,d changes%n", watcher.events(),
                                watcher.partialPasses(), watcher.fullPasses() + 1, changes[0]);
                    }
                    return changes[0] > 0 ? ExitCodes.RESULTS : ExitCodes.OK;
                } finally {
                    stopped.countDown();
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // Stopping because of a signal: the hook already ran.
                    }
                }
            });
        }
    }

    @Command(name = "maintenance", mixinStandardHelpOptions = true,
            description = "Open or end a maintenance window: changes found while it is open are marked expected and the baseline follows them.")
    static final class Maintenance implements Callable<Integer> {
        @CommandLine.Mixin
        AgentCommand.StateOption state;
        @Option(names = "--store", paramLabel = "DIR", description = "where the baseline lives (default: the agent state's fim/ folder)")
        Path store;
        @Option(names = "--for", paramLabel = "DURATION", description = "open a window this long (ISO-8601 like PT2H, or 90m, 2h)")
        String duration;
        @Option(names = "--end", description = "end the open window now")
        boolean end;

        @Override
        public Integer call() throws IOException {
            Path dir = store != null ? store : state.store().root().resolve("fim");
            if (end == (duration != null)) {
                System.err.println("give --for DURATION or --end");
                return ExitCodes.USAGE;
            }
            if (end) {
                Files.deleteIfExists(dir.resolve(MAINTENANCE_FILE));
                System.out.println("maintenance window ended");
                return ExitCodes.OK;
            }
            Duration d;
            try {
                d = parseDuration(duration);
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return ExitCodes.USAGE;
            }
            Instant until = Instant.now().plus(d);
            AtomicFiles.write(dir.resolve(MAINTENANCE_FILE), (until + "\n").getBytes(StandardCharsets.US_ASCII));
            System.out.println("maintenance window open until " + until);
            return ExitCodes.OK;
        }
    }

    static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("duration '" + s + "' is not understood; write 500ms, 30s, 90m, 2h, 1d or PT2H");
        }
    }
}
