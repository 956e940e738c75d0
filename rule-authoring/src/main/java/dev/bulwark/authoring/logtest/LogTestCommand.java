package dev.bulwark.authoring.logtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.engine.Finding;
import dev.bulwark.engine.bundle.BundleReader;
import dev.bulwark.engine.bundle.BundleRejectedException;
import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.build.BundleBuilder;
import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import dev.bulwark.engine.build.RuleBuildException;
import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.loginspection.LogEvent;
import dev.bulwark.engine.policy.DrlSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark-rules logtest}: what happens to each line, and which rule decided. */
@Command(name = "logtest", mixinStandardHelpOptions = true,
        description = {"Decode log lines (standard input or a file) and show, for each, the decoder, the decoded fields and the rule that decided it.",
                "State carries from line to line (correlation shows); an empty line starts afresh.",
                "With --json: exactly one JSON object per non-empty line: {decoder, rule, level, description, fields, findings}."})
public final class LogTestCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "lines to test (default: standard input)")
    Path file;
    @Option(names = "--rules", paramLabel = "DIR", description = "compile the rules below DIR (default: the checkout's knowledge base)")
    Path rules;
    @Option(names = "--bundle", paramLabel = "BUNDLE.bkb", description = "use a signed bundle instead of compiling")
    Path bundle;
    @Option(names = "--public-key", paramLabel = "KEY.pub", description = "key to verify --bundle with")
    Path publicKey;
    @Option(names = "--json", description = "one JSON object per non-empty input line")
    boolean json;
    @Option(names = "--trace", description = "for each candidate rule, say whether it fired and, if not, which condition failed (needs rules compiled from DRL)")
    boolean trace;
    @Option(names = "--ossec-ruleset", paramLabel = "DIR", description = {"an OSSEC/Wazuh ruleset to import and use (decoders/ and rules/, decoder.xml and rules/, or a folder of XML files); repeatable, loaded in order.",
            "Replaces the built-in rules unless --rules is also given."})
    List<Path> ossecRulesets = new java.util.ArrayList<>();
    @Option(names = "--show-problems", description = "with --ossec-ruleset: list every decoder and rule the import left out, and why (standard error)")
    boolean showProblems;
    @Option(names = "--location", paramLabel = "TEXT", defaultValue = "stdin", description = "the location OSSEC rules see for every line (default: ${DEFAULT-VALUE})")
    String location;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws IOException {
        if (!ossecRulesets.isEmpty()) {
            if (bundle != null) {
                System.err.println("--ossec-ruleset imports the rules itself; it cannot be combined with --bundle");
                return 64;
            }
            return new OssecLogTest(ossecRulesets, rules, location, json, trace, showProblems).run(file);
        }
        if (trace && bundle != null) {
            System.err.println("--trace needs the rules' DRL: use --rules DIR instead of --bundle");
            return 64;
        }
        // read once: the compiler and the tracer work from the same sources
        List<DrlSource> sources = bundle == null ? BundleBuilder.readSources(rulesDir()) : null;
        LoadedKnowledgeBase kb;
        try {
            kb = load(sources);
        } catch (RuleBuildException e) {
            e.problems().forEach(p -> System.err.println(p));
            return 2;
        } catch (BundleRejectedException e) {
            System.err.println("bundle refused: " + e.getMessage());
            return 3;
        }
        RuleTracer tracer = trace ? new RuleTracer(sources) : null;
        try (LogTester tester = new LogTester(kb)) {
            LineLoop.run(file, tester::reset, line -> {
                LogTester.Outcome o = tester.test(line);
                List<RuleTracer.Step> steps = tracer == null ? null
                        : tracer.trace(o.event(), o.all().stream().map(Finding::ruleId).collect(Collectors.toSet()));
                return json ? json(o, steps) : text(o, steps);
            });
        }
        return 0;
    }

    private LoadedKnowledgeBase load(List<DrlSource> sources) throws IOException, RuleBuildException, BundleRejectedException {
        if (sources == null) {
            if (publicKey == null) {
                throw new IOException("--bundle needs --public-key");
            }
            return KnowledgeBaseLoader.load(new BundleReader(SigningKeys.readPublic(publicKey)).verify(Files.readAllBytes(bundle), 0));
        }
        return KnowledgeBaseLoader.load(new KnowledgeBaseCompiler().compile(sources).kjar(), null);
    }

    private Path rulesDir() {
        return rules != null ? rules : Path.of(System.getenv().getOrDefault("BULWARK_HOME", "."), "knowledge-base/src/main/resources/rules");
    }

    static String json(LogTester.Outcome o, List<RuleTracer.Step> steps) {
        ObjectNode n = JSON.createObjectNode();
        LogEvent e = o.event();
        n.put("decoder", e.decoder());
        n.put("rule", o.top() == null ? null : o.top().ruleId());
        if (o.level() == null) {
            n.putNull("level");
        } else {
            n.put("level", o.level());
        }
        n.put("description", o.top() == null ? null : o.top().message());
        ObjectNode fields = n.putObject("fields");
        fields.put("program", e.program());
        fields.put("host", e.host());
        fields.put("action", e.action());
        fields.put("status", e.status());
        fields.put("srcip", e.srcIp());
        fields.put("user", e.user());
        fields.put("url", e.url());
        e.extra().forEach(fields::put);
        var findings = n.putArray("findings");
        for (Finding f : o.all()) {
            findings.addObject().put("rule", f.ruleId()).put("severity", f.severity().label()).put("message", f.message());
        }
        if (steps != null) {
            var trace = n.putArray("trace");
            for (RuleTracer.Step s : steps) {
                trace.addObject().put("rule", s.ruleId()).put("outcome", s.outcome()).put("reason", s.reason());
            }
        }
        return n.toString();
    }

    static String text(LogTester.Outcome o, List<RuleTracer.Step> steps) {
        LogEvent e = o.event();
        StringBuilder sb = new StringBuilder();
        sb.append("decoder: ").append(e.decoder() == null ? "(none)" : e.decoder()).append("  program: ").append(e.program())
                .append("  action: ").append(e.action());
        if (e.srcIp() != null) {
            sb.append("  srcip: ").append(e.srcIp());
        }
        if (e.user() != null) {
            sb.append("  user: ").append(e.user());
        }
        if (!e.extra().isEmpty()) {
            sb.append("  ").append(e.extra());
        }
        sb.append('\n');
        if (o.top() == null) {
            sb.append("  no rule raised an alert");
        } else {
            for (Finding f : o.all()) {
                sb.append("  ").append(f == o.top() ? "=> " : "   ").append(f.ruleId()).append(" (level ").append(LogTester.levelOf(f.severity()))
                        .append(", ").append(f.severity().label()).append(") ").append(f.message()).append('\n');
            }
            sb.setLength(sb.length() - 1);
        }
        if (steps != null) {
            for (RuleTracer.Step s : steps) {
                sb.append("\n  trace ").append(s.ruleId()).append(": ").append(s.outcome()).append(s.reason() == null ? "" : " - " + s.reason());
            }
        }
        return sb.toString();
    }
}
