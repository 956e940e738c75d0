package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.report.ResultJson;
import dev.bulwark.agent.store.AgentStateStore;
import dev.bulwark.engine.FactTypes;
import dev.bulwark.engine.Finding;
import dev.bulwark.engine.Verdict;
import dev.bulwark.engine.bundle.BundleReader;
import dev.bulwark.engine.bundle.BundleRejectedException;
import dev.bulwark.engine.bundle.RuntimeVersions;
import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.bundle.VerifiedBundle;
import dev.bulwark.engine.evaluation.EvaluationResult;
import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.evaluation.StreamSession;
import dev.bulwark.engine.recommendation.RuleAssignment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark-agent}: the agent's command line. */
@Command(name = "bulwark-agent", mixinStandardHelpOptions = true, version = "Bulwark agent 0.1.0",
        description = "Bulwark agent: loads signed knowledge bases (no compiler) and evaluates facts against them.",
        footer = {"", "Exit codes: 0 ok, 1 results found (evaluate), 2 bad input lines, 3 bundle refused, 4 state error, 64 usage."})
public final class AgentCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The subcommands, in the order the help lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(AgentCommand.Trust.class, AgentCommand.Bundle.class, AgentCommand.Evaluate.class,
            LogScanCommand.class, LogWatchCommand.class, FimCommand.class, ScanCommand.class, OnAccessCommand.class, QuarantineCommand.class,
            AppControlCommand.class, ManagerCommands.Enroll.class, ManagerCommands.Run.class, AgentCommand.Doctor.class);

    /** The whole command line, every subcommand in it. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for these arguments: when the first one names a subcommand, only that one
     * is put in the tree. Picocli builds the model of every subcommand it is given by reflection,
     * which cost a quarter of a second of each start with all of them; the parse is the same, and
     * help, a typo or no subcommand get the whole tree.
     */
    public static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new AgentCommand());
        Class<?> only = args.length == 0 ? null : SUBCOMMANDS.stream()
                .filter(c -> c.getAnnotation(Command.class).name().equals(args[0])).findFirst().orElse(null);
        for (Class<?> c : only != null ? List.<Class<?>>of(only) : SUBCOMMANDS) {
            cl.addSubcommand(c);
        }
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.STATE_ERROR);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof KnowledgeBaseUnavailable k) {
                cmd.getErr().println(k.getMessage());
                return k.exitCode();
            }
            throw e;
        });
        return cl;
    }

    /** A command cannot run because its knowledge base cannot be loaded; says why and with which exit code. */
    static final class KnowledgeBaseUnavailable extends Exception {
        private final int exitCode;

        KnowledgeBaseUnavailable(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every subcommand that touches local state shares. */
    static class StateOption {
        @Option(names = "--state", paramLabel = "DIR", description = "agent state directory (default: $BULWARK_AGENT_STATE or /var/lib/bulwark/agent)")
        Path state;

        AgentStateStore store() {
            Path dir = state;
            if (dir == null) {
                String env = System.getenv("BULWARK_AGENT_STATE");
                dir = Path.of(env != null && !env.isBlank() ? env : "/var/lib/bulwark/agent");
            }
            return new AgentStateStore(dir);
        }
    }

    /** Where evaluating commands take their knowledge base from: the installed bundle, or one given. */
    static class KnowledgeBaseSource {
        @Option(names = "--bundle", paramLabel = "BUNDLE.bkb", description = "use this bundle instead of the installed one (verified against the pinned key, or --public-key)")
        Path bundle;
        @Option(names = "--public-key", paramLabel = "KEY.pub", description = "verify --bundle against this key instead of the pinned one")
        Path publicKey;

        /** Loads the knowledge base, or explains why it cannot and with which exit code. */
        LoadedKnowledgeBase require(AgentStateStore store) throws KnowledgeBaseUnavailable {
            try {
                return load(store);
            } catch (BundleRejectedException e) {
                throw new KnowledgeBaseUnavailable(ExitCodes.BUNDLE_REFUSED, "bundle refused: " + e.getMessage());
            } catch (IOException e) {
                throw new KnowledgeBaseUnavailable(ExitCodes.STATE_ERROR, e.getMessage());
            }
        }

        LoadedKnowledgeBase load(AgentStateStore store) throws IOException, BundleRejectedException {
            if (bundle == null) {
                return store.loadCurrent().orElseThrow(() -> new IOException("no bundle installed in " + store.root()
                        + "; install one with 'bulwark-agent bundle install' or pass --bundle"));
            }
            PublicKey key = publicKey != null ? SigningKeys.readPublic(publicKey)
                    : store.pinnedKey().orElseThrow(() -> new IOException("--bundle needs --public-key or a pinned key in " + store.root()));
            return KnowledgeBaseLoader.load(new BundleReader(key).verify(Files.readAllBytes(bundle), 0));
        }
    }

    @Command(name = "trust", mixinStandardHelpOptions = true, description = "Manage the pinned bundle-signing key.",
            subcommands = {Trust.Pin.class, Trust.Show.class})
    static final class Trust implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }

        @Command(name = "pin", mixinStandardHelpOptions = true, description = "Pin the public key whose signature bundles must carry.")
        static final class Pin implements Callable<Integer> {
            @CommandLine.Mixin
            StateOption state;
            @Parameters(paramLabel = "KEY.pub", description = "Ed25519 public key (PEM) of the manager")
            Path key;
            @Option(names = "--replace", description = "replace a different key that is already pinned")
            boolean replace;

            @Override
            public Integer call() throws IOException {
                PublicKey pk = SigningKeys.readPublic(key);
                state.store().pinKey(pk, replace);
                System.out.println("pinned key " + SigningKeys.keyId(pk) + " in " + state.store().root());
                return ExitCodes.OK;
            }
        }

        @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the pinned key id.")
        static final class Show implements Callable<Integer> {
            @CommandLine.Mixin
            StateOption state;

            @Override
            public Integer call() throws IOException {
                var key = state.store().pinnedKey();
                if (key.isEmpty()) {
                    System.err.println("no key pinned in " + state.store().root());
                    return ExitCodes.STATE_ERROR;
                }
                System.out.println(SigningKeys.keyId(key.get()));
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "bundle", mixinStandardHelpOptions = true, description = "Install and inspect knowledge-base bundles.",
            subcommands = {Bundle.Install.class, Bundle.Status.class, Bundle.Measure.class})
    static final class Bundle implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }

        @Command(name = "install", mixinStandardHelpOptions = true,
                description = "Verify (pinned key, hashes, newer version), load, then make a bundle the running one. A refused bundle changes nothing.")
        static final class Install implements Callable<Integer> {
            @CommandLine.Mixin
            StateOption state;
            @Parameters(paramLabel = "BUNDLE.bkb")
            Path bundle;
            @Option(names = "--json", description = "print the outcome as JSON")
            boolean json;

            @Override
            public Integer call() throws IOException {
                AgentStateStore store = state.store();
                long before = store.runningVersion();
                try {
                    LoadedKnowledgeBase kb = store.install(Files.readAllBytes(bundle));
                    report(json, true, null, "installed bundle version " + kb.version() + " (" + kb.rules().size() + " rules), replacing version " + before,
                            kb.version(), kb.rules().size());
                    return ExitCodes.OK;
                } catch (BundleRejectedException e) {
                    report(json, false, e, "refused " + bundle + ": " + e.getMessage() + "; still running version " + before, before, -1);
                    return ExitCodes.BUNDLE_REFUSED;
                }
            }
        }

        @Command(name = "status", mixinStandardHelpOptions = true, description = "Verify and load the installed bundle and describe it.")
        static final class Status implements Callable<Integer> {
            @CommandLine.Mixin
            StateOption state;
            @Option(names = "--json")
            boolean json;

            @Override
            public Integer call() throws IOException {
                try {
                    var kb = state.store().loadCurrent();
                    if (kb.isEmpty()) {
                        System.err.println("no bundle installed in " + state.store().root());
                        return ExitCodes.STATE_ERROR;
                    }
                    var m = kb.get().manifest().orElseThrow();
                    if (json) {
                        ObjectNode n = ResultJson.MAPPER.createObjectNode();
                        n.put("bundleVersion", m.bundleVersion());
                        n.put("createdAt", m.createdAt());
                        n.put("keyId", m.keyId());
                        n.put("rules", m.rules().size());
                        n.set("modules", ResultJson.MAPPER.valueToTree(m.modules()));
                        System.out.println(n);
                    } else {
                        System.out.printf("bundle version %d, built %s, signed by %s, %d rules in %s%n", m.bundleVersion(), m.createdAt(),
                                m.keyId(), m.rules().size(), String.join(", ", m.modules()));
                    }
                    return ExitCodes.OK;
                } catch (BundleRejectedException e) {
                    System.err.println("installed bundle no longer verifies: " + e.getMessage());
                    return ExitCodes.BUNDLE_REFUSED;
                }
            }
        }

        @Command(name = "measure", mixinStandardHelpOptions = true,
                description = "Verify and load a bundle on this runtime and print the time and heap it takes (JSON). Installs nothing.")
        static final class Measure implements Callable<Integer> {
            @Parameters(paramLabel = "BUNDLE.bkb")
            Path bundle;
            @Option(names = "--public-key", required = true, paramLabel = "KEY.pub")
            Path publicKey;

            @Override
            public Integer call() throws IOException {
                byte[] bytes = Files.readAllBytes(bundle);
                long heapBefore = usedHeapAfterGc();
                try {
                    long t0 = System.nanoTime();
                    VerifiedBundle v = new BundleReader(SigningKeys.readPublic(publicKey)).verify(bytes, 0);
                    long t1 = System.nanoTime();
                    LoadedKnowledgeBase kb = KnowledgeBaseLoader.load(v);
                    long t2 = System.nanoTime();
                    long heapAfter = usedHeapAfterGc();
                    ObjectNode n = ResultJson.MAPPER.createObjectNode();
                    n.put("bundleBytes", bytes.length);
                    n.put("rules", kb.rules().size());
                    n.put("verifyMillis", (t1 - t0) / 1e6);
                    n.put("loadMillis", (t2 - t1) / 1e6);
                    n.put("heapBeforeBytes", heapBefore);
                    n.put("heapAfterLoadBytes", heapAfter);
                    n.put("jvmUptimeMillis", ManagementFactory.getRuntimeMXBean().getUptime());
                    System.out.println(n);
                    if (kb.rules().isEmpty()) {
                        return ExitCodes.STATE_ERROR;
                    }
                    return ExitCodes.OK;
                } catch (BundleRejectedException e) {
                    System.err.println("refused: " + e.getMessage());
                    return ExitCodes.BUNDLE_REFUSED;
                }
            }
        }

        private static long usedHeapAfterGc() {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }

        private static void report(boolean json, boolean ok, BundleRejectedException e, String text, long version, int rules) {
            if (json) {
                ObjectNode n = ResultJson.MAPPER.createObjectNode();
                n.put("installed", ok);
                n.put("runningVersion", version);
                if (rules >= 0) {
                    n.put("rules", rules);
                }
                if (e != null) {
                    n.put("reason", e.reason().name());
                    n.put("entry", e.entry());
                    n.put("message", e.getMessage());
                }
                System.out.println(n);
            } else {
                (ok ? System.out : System.err).println(text);
            }
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = {"Evaluate facts (JSON lines: {\"type\": \"LogEvent\", \"fact\": {...}}) against a knowledge base and print findings and verdicts.",
                    "Events replay in timestamp order on a pseudo clock, so time windows behave as they did live."})
    static final class Evaluate implements Callable<Integer> {
        @CommandLine.Mixin
        StateOption state;
        @Option(names = "--facts", required = true, paramLabel = "FILE", description = "JSON-lines fact file, or - for standard input")
        String facts;
        @CommandLine.Mixin
        KnowledgeBaseSource source;
        @Option(names = "--json", description = "one JSON object per result")
        boolean json;

        @Override
        public Integer call() throws IOException, KnowledgeBaseUnavailable {
            LoadedKnowledgeBase kb = source.require(state.store());
            FactLines.Parsed parsed;
            try (BufferedReader in = facts.equals("-")
                    ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                    : Files.newBufferedReader(Path.of(facts), StandardCharsets.UTF_8)) {
                parsed = FactLines.read(in, facts);
            }
            parsed.bad().forEach(b -> System.err.println("skipped " + b));
            EvaluationResult result;
            try (StreamSession session = kb.openSession(StreamSession.Clock.PSEUDO)) {
                result = session.insert(parsed.facts(), true);
            }
            PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
            print(out, result, json);
            out.flush();
            System.err.printf("%d facts, %d findings, %d verdicts, %d assignments (knowledge base version %d)%n", parsed.facts().size(),
                    result.findings().size(), result.verdicts().size(), result.assignments().size(), kb.version());
            if (!parsed.bad().isEmpty()) {
                return ExitCodes.BAD_INPUT;
            }
            return result.isEmpty() ? ExitCodes.OK : ExitCodes.RESULTS;
        }

    }

    /** One line per result: text for people, or one JSON object per line. */
    static void print(PrintWriter out, EvaluationResult result, boolean json) {
        for (Finding f : result.findings()) {
            out.println(json ? ResultJson.of(f).toString() : String.format("[%s] %s %s  %s", f.severity().label(), f.ruleId(), f.message(), f.evidence()));
        }
        for (Verdict v : result.verdicts()) {
            out.println(json ? ResultJson.of(v).toString() : String.format("[%s] %s %s", v.action().name().toLowerCase(java.util.Locale.ROOT), v.ruleId(), v.reason()));
        }
        for (RuleAssignment a : result.assignments()) {
            out.println(json ? ResultJson.of(a).toString() : String.format("[assign] %s -> %s: %s", a.explanation().ruleId(), a.assignRuleId(), a.reason()));
        }
        for (var f : result.failures()) {
            if (json) {
                out.println(ResultJson.of(f));
            } else {
                System.err.printf("rule %s failed: %s%n", f.ruleId(), f.error());
            }
        }
    }

    @Command(name = "doctor", mixinStandardHelpOptions = true,
            description = "Describe this agent's runtime: Java, Drools, fact model, and whether any rule compiler is on the classpath (there must be none).")
    static final class Doctor implements Callable<Integer> {
        /** Classes that only a rule compiler brings; an agent must not be able to load any of them. */
        static final List<String> COMPILER_CLASSES = List.of(
                "org.drools.compiler.builder.impl.KnowledgeBuilderImpl", "org.drools.drl.parser.DrlParser",
                "org.drools.model.codegen.ExecutableModelProject", "org.eclipse.jdt.internal.compiler.Compiler",
                "com.github.javaparser.JavaParser", "org.drools.mvel.parser.MvelParser");

        @Option(names = "--json")
        boolean json;

        @Override
        public Integer call() {
            List<String> present = new ArrayList<>();
            for (String c : COMPILER_CLASSES) {
                try {
                    Class.forName(c, false, Doctor.class.getClassLoader());
                    present.add(c);
                } catch (ClassNotFoundException e) {
                    // absent, as it should be
                }
            }
            boolean javac = javax.tools.ToolProvider.getSystemJavaCompiler() != null;
            if (json) {
                ObjectNode n = ResultJson.MAPPER.createObjectNode();
                n.put("java", Runtime.version().toString());
                n.put("drools", RuntimeVersions.drools());
                n.put("factModel", FactTypes.fingerprint());
                n.set("compilerClassesPresent", ResultJson.MAPPER.valueToTree(present));
                n.put("jdkHasJavac", javac);
                System.out.println(n);
            } else {
                System.out.println("java " + Runtime.version() + ", drools " + RuntimeVersions.drools() + ", fact model " + FactTypes.fingerprint());
                System.out.println(present.isEmpty() ? "no rule compiler on the classpath (as required)" : "RULE COMPILER CLASSES PRESENT: " + present);
            }
            return present.isEmpty() ? ExitCodes.OK : ExitCodes.STATE_ERROR;
        }
    }
}
