package dev.bulwark.authoring.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.authoring.bench.KnowledgeBaseBenchmark;
import dev.bulwark.authoring.cases.RuleTests;
import dev.bulwark.authoring.ossec.CompiledOssecRuleset;
import dev.bulwark.engine.bundle.BundleManifest;
import dev.bulwark.engine.bundle.BundleReader;
import dev.bulwark.engine.bundle.BundleRejectedException;
import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.bundle.VerifiedBundle;
import dev.bulwark.engine.build.BundleBuilder;
import dev.bulwark.engine.build.CompiledKnowledgeBase;
import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import dev.bulwark.engine.build.RuleBuildException;
import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.loginspection.ossec.OssecDecoderFile;
import dev.bulwark.engine.policy.DrlSource;
import dev.bulwark.engine.policy.RuleProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark-rules}: build, verify and inspect bundles; lint, test, search, generate, version, compare and export rules; benchmarks. */
@Command(name = "bulwark-rules", mixinStandardHelpOptions = true, version = "Bulwark rules 0.1.0",
        description = "Bulwark rule tools: build, verify and inspect signed knowledge-base bundles; lint, test, search, generate, version, replay and export rules.",
        subcommands = {RulesCommand.Build.class, RulesCommand.Verify.class, RulesCommand.Inspect.class, RulesCommand.Lint.class,
                RulesCommand.Keygen.class, TestCommand.class, SearchCommand.class, NewCommand.class, DiffCommand.class,
                WhatIfCommand.class, ExportCommand.class, ImportCommand.class, dev.bulwark.authoring.logtest.LogTestCommand.class,
                KnowledgeBaseBenchmark.class, dev.bulwark.authoring.bench.OssecThroughputBenchmark.class,
                dev.bulwark.authoring.bench.CatalogBenchmark.class},
        footer = {"", "Exit codes: 0 ok, 2 rule problems (build, lint), 3 bundle refused (verify), 4 I/O or state error, 64 usage."})
public final class RulesCommand implements Runnable {

    public static final int OK = 0;
    public static final int RULE_PROBLEMS = 2;
    public static final int REFUSED = 3;
    public static final int IO_ERROR = 4;
    public static final int USAGE = 64;

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new RulesCommand());
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? USAGE : IO_ERROR);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText(e.getMessage() == null ? e.toString() : e.getMessage()));
            return e instanceof IOException ? IO_ERROR : cmd.getExitCodeExceptionMapper().getExitCode(e);
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The built-in knowledge base's rules in this checkout: the default rule set of search and whatif. */
    static Path builtinRules() {
        return Path.of(System.getenv().getOrDefault("BULWARK_HOME", "."), "knowledge-base/src/main/resources/rules");
    }

    /** Every {@code *.drl} below {@code dir}, compiled (policy, metadata, compiler) and loaded, for running cases or replays. */
    static LoadedKnowledgeBase compileAndLoad(Path dir) throws IOException, RuleBuildException {
        try {
            return KnowledgeBaseLoader.load(new KnowledgeBaseCompiler().compile(BundleBuilder.readSources(dir)).kjar(), null);
        } catch (BundleRejectedException e) {
            throw new IOException(dir + ": the compiled rules did not load: " + e.getMessage(), e);
        }
    }

    static void printProblems(List<RuleProblem> problems, boolean json) throws IOException {
        if (json) {
            System.out.println(JSON.writeValueAsString(problems));
        } else {
            problems.forEach(p -> System.err.println(p));
        }
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = {"Compile every *.drl below a rules directory (DRL policy, metadata, lint) into a signed bundle.",
                    "--ossec-ruleset imports an OSSEC/Wazuh rules-and-decoders tree into the same bundle: its rules as DRL,",
                    "its decoders as data the agent runs before them."})
    static final class Build implements Callable<Integer> {
        @Option(names = "--rules", paramLabel = "DIR", description = "directory of .drl files (searched recursively)")
        Path rules;
        @Option(names = "--ossec-ruleset", paramLabel = "DIR",
                description = "OSSEC/Wazuh tree to import (repeatable, in load order); what cannot be imported is counted, see 'logtest --show-problems'")
        List<Path> ossecTrees = new ArrayList<>();
        @Option(names = "--data", paramLabel = "DIR", description = "data files to carry under data/ (signature sets, lists)")
        Path data;
        @Option(names = "--key", required = true, paramLabel = "KEY.key", description = "Ed25519 private key; its .pub must sit beside it")
        Path key;
        @Option(names = "--out", required = true, paramLabel = "FILE.bkb")
        Path out;
        @Option(names = "--bundle-version", paramLabel = "N", description = "strictly increasing version (default: now, in epoch seconds)")
        Long version;
        @Option(names = "--json", description = "print the outcome (and any problems) as JSON")
        boolean json;

        @Override
        public Integer call() throws IOException {
            if (rules == null && ossecTrees.isEmpty()) {
                System.err.println("nothing to build: give --rules DIR, --ossec-ruleset DIR, or both");
                return USAGE;
            }
            KeyPair pair = SigningKeys.readPair(key);
            long v = version != null ? version : Instant.now().getEpochSecond();
            List<DrlSource> sources = new ArrayList<>(rules == null ? List.of() : BundleBuilder.readSources(rules));
            java.util.Map<String, byte[]> carried = new java.util.TreeMap<>(BundleBuilder.readData(data));
            CompiledOssecRuleset ossec = null;
            if (!ossecTrees.isEmpty()) {
                if (carried.containsKey(OssecDecoderFile.ENTRY)) {
                    System.err.println(data.resolve(OssecDecoderFile.ENTRY) + " would be replaced by the imported decoders; remove it or drop --ossec-ruleset");
                    return USAGE;
                }
                ossec = CompiledOssecRuleset.read(ossecTrees);
                sources.addAll(ossec.sources());
                carried.put(OssecDecoderFile.ENTRY, OssecDecoderFile.write(ossec.decoders()));
            }
            try {
                BundleBuilder.Output o = new BundleBuilder().build(sources, carried, v, pair);
                Path parent = out.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                Files.write(out, o.bundle());
                if (json) {
                    ObjectNode n = JSON.createObjectNode();
                    n.put("bundle", out.toString());
                    n.put("bundleVersion", v);
                    n.put("rules", o.compiled().rules().size());
                    n.put("bytes", o.bundle().length);
                    n.put("keyId", SigningKeys.keyId(pair.getPublic()));
                    n.set("warnings", JSON.valueToTree(o.compiled().warnings()));
                    if (ossec != null) {
                        ObjectNode imp = n.putObject("ossec");
                        imp.put("rulesImported", ossec.imported().rulesImported());
                        imp.put("rulesLeftOut", ossec.imported().rulesLeftOut());
                        imp.put("decoders", ossec.decoders().size());
                        imp.set("problems", JSON.valueToTree(ossec.problems()));
                    }
                    System.out.println(JSON.writeValueAsString(n));
                } else {
                    o.compiled().warnings().forEach(w -> System.err.println(w));
                    if (ossec != null) {
                        System.out.printf("imported %d OSSEC/Wazuh rules (%d left out) and %d decoders; %d problem(s) (list them with 'bulwark-rules logtest --ossec-ruleset ... --show-problems')%n",
                                ossec.imported().rulesImported(), ossec.imported().rulesLeftOut(), ossec.decoders().size(), ossec.problems().size());
                    }
                    System.out.printf("built %s: version %d, %d rules, %d bytes, signed by %s%n", out, v, o.compiled().rules().size(),
                            o.bundle().length, SigningKeys.keyId(pair.getPublic()));
                }
                return OK;
            } catch (RuleBuildException e) {
                printProblems(e.problems(), json);
                if (!json) {
                    System.err.printf("%d problem(s); no bundle written%n", e.problems().stream().filter(RuleProblem::isError).count());
                }
                return RULE_PROBLEMS;
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Verify a bundle as an agent would: signature against the key, every entry's hash, format, runtime compatibility. Exit 0 only when valid.")
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "BUNDLE.bkb")
        Path bundle;
        @Option(names = "--public-key", required = true, paramLabel = "KEY.pub")
        Path publicKey;
        @Option(names = "--running-version", paramLabel = "N", description = "refuse versions not newer than this (default 0)")
        long running;
        @Option(names = "--json")
        boolean json;

        @Override
        public Integer call() throws IOException {
            try {
                VerifiedBundle v = new BundleReader(SigningKeys.readPublic(publicKey)).verify(Files.readAllBytes(bundle), running);
                if (json) {
                    ObjectNode n = JSON.createObjectNode();
                    n.put("valid", true);
                    n.put("bundleVersion", v.manifest().bundleVersion());
                    n.put("keyId", v.manifest().keyId());
                    n.put("rules", v.manifest().rules().size());
                    System.out.println(JSON.writeValueAsString(n));
                } else {
                    System.out.printf("valid: version %d, %d rules, signed by %s%n", v.manifest().bundleVersion(), v.manifest().rules().size(), v.manifest().keyId());
                }
                return OK;
            } catch (BundleRejectedException e) {
                if (json) {
                    ObjectNode n = JSON.createObjectNode();
                    n.put("valid", false);
                    n.put("reason", e.reason().name());
                    n.put("entry", e.entry());
                    n.put("message", e.getMessage());
                    System.out.println(JSON.writeValueAsString(n));
                } else {
                    System.err.println("INVALID: " + e.getMessage());
                }
                return REFUSED;
            }
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Print a bundle's manifest. Does not verify it: use 'verify' before trusting anything it says.")
    static final class Inspect implements Callable<Integer> {
        @Parameters(paramLabel = "BUNDLE.bkb")
        Path bundle;
        @Option(names = "--json", description = "print the manifest as JSON")
        boolean json;

        @Override
        public Integer call() throws IOException {
            try {
                BundleManifest m = BundleReader.unverifiedManifest(Files.readAllBytes(bundle));
                if (json) {
                    System.out.println(JSON.writeValueAsString(m));
                    return OK;
                }
                System.out.printf("bundle %s (NOT VERIFIED)%n  format %d, version %d, created %s%n  drools %s, fact model %s%n  signed by key %s%n  modules: %s%n",
                        bundle, m.formatVersion(), m.bundleVersion(), m.createdAt(), m.droolsVersion(), m.factModel().substring(0, 16),
                        m.keyId(), String.join(", ", m.modules()));
                System.out.printf("  entries:%n");
                m.entries().forEach((name, d) -> System.out.printf("    %-40s %10d  sha256:%s%n", name, d.size(), d.sha256()));
                System.out.printf("  rules (%d):%n", m.rules().size());
                m.rules().forEach(r -> System.out.printf("    %-18s %-9s %-15s %s%s%n", r.id(), r.severity(), r.module(), r.title(),
                        r.cves().isEmpty() ? "" : "  " + String.join(",", r.cves())));
                return OK;
            } catch (BundleRejectedException e) {
                System.err.println("not a readable bundle: " + e.getMessage());
                return REFUSED;
            }
        }
    }

    @Command(name = "lint", mixinStandardHelpOptions = true,
            description = {"Check rules without building a bundle: DRL policy, metadata, unique ids, compilation, rule shape;",
                    "for directories also every .cases.yaml below them (a failing case is an error, a rule no case fires a warning). Exit 2 on errors."})
    static final class Lint implements Callable<Integer> {
        @Parameters(paramLabel = "PATH", arity = "1..*", description = ".drl files or directories")
        List<Path> paths;
        @Option(names = "--json")
        boolean json;

        @Override
        public Integer call() throws IOException {
            List<DrlSource> sources = new ArrayList<>();
            for (Path p : paths) {
                if (Files.isDirectory(p)) {
                    sources.addAll(BundleBuilder.readSources(p));
                } else {
                    sources.add(new DrlSource(p.toString(), Files.readString(p)));
                }
            }
            try {
                CompiledKnowledgeBase c = new KnowledgeBaseCompiler().compile(sources);
                List<RuleProblem> problems = new ArrayList<>(c.warnings());
                // the cases of each rules directory, run against the rules just compiled
                LoadedKnowledgeBase kb = KnowledgeBaseLoader.load(c.kjar(), null);
                long cases = 0;
                for (Path p : paths) {
                    if (Files.isDirectory(p)) {
                        RuleTests.Report r = RuleTests.run(p, kb);
                        cases += r.outcomes().size();
                        problems.addAll(r.problems());
                    }
                }
                printProblems(problems, json);
                long errors = problems.stream().filter(RuleProblem::isError).count();
                if (!json) {
                    System.err.printf("%d rules, %d cases, %d errors, %d warnings%n", c.rules().size(), cases, errors, problems.size() - errors);
                }
                return errors > 0 ? RULE_PROBLEMS : OK;
            } catch (BundleRejectedException e) {
                throw new IOException("the compiled rules did not load: " + e.getMessage(), e);
            } catch (RuleBuildException e) {
                printProblems(e.problems(), json);
                return RULE_PROBLEMS;
            }
        }
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Create an Ed25519 signing key pair: NAME.key (mode 0600) and NAME.pub for agents to pin. Never overwrites a key.")
    static final class Keygen implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path dir;
        @Option(names = "--name", defaultValue = "bundle-signing", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws IOException {
            KeyPair pair = SigningKeys.generateInto(dir, name);
            System.out.printf("wrote %s and %s (key id %s)%n", dir.resolve(name + ".key"), dir.resolve(name + ".pub"), SigningKeys.keyId(pair.getPublic()));
            return OK;
        }
    }
}
