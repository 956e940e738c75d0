package dev.bulwark.authoring.logtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.authoring.ossec.CompiledOssecRuleset;
import dev.bulwark.authoring.ossec.OssecTester;
import dev.bulwark.authoring.ossec.OssecTracer;
import dev.bulwark.engine.Finding;
import dev.bulwark.engine.build.BundleBuilder;
import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import dev.bulwark.engine.build.RuleBuildException;
import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.loginspection.ossec.OssecEvent;
import dev.bulwark.engine.policy.DrlSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** {@code logtest --ossec-ruleset DIR}: lines judged by an imported OSSEC/Wazuh ruleset, as {@code wazuh-logtest} shows them. */
final class OssecLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Path> trees;
    private final Path builtinRules;
    private final String location;
    private final boolean json;
    private final boolean trace;
    private final boolean showProblems;

    OssecLogTest(List<Path> trees, Path builtinRules, String location, boolean json, boolean trace, boolean showProblems) {
        this.trees = trees;
        this.builtinRules = builtinRules;
        this.location = location;
        this.json = json;
        this.trace = trace;
        this.showProblems = showProblems;
    }

    int run(Path file) throws IOException {
        long t0 = System.nanoTime();
        CompiledOssecRuleset rs = CompiledOssecRuleset.read(trees);
        List<DrlSource> sources = new ArrayList<>(rs.sources());
        if (builtinRules != null) {
            sources.addAll(BundleBuilder.readSources(builtinRules));
        }
        LoadedKnowledgeBase kb;
        try {
            kb = KnowledgeBaseLoader.load(new KnowledgeBaseCompiler().compile(sources).kjar(), null);
        } catch (RuleBuildException e) {
            e.problems().forEach(System.err::println);
            return 2;
        } catch (dev.bulwark.engine.bundle.BundleRejectedException e) {
            System.err.println("compiled rules refused: " + e.getMessage());
            return 3;
        }
        System.err.printf("imported %d rules (%d left out: %s) and %d decoders from %s in %.1f s; %d problems (--show-problems lists them)%n",
                rs.imported().rulesImported(), rs.imported().rulesLeftOut(), rs.imported().unsupported(), rs.decoders().size(), trees,
                (System.nanoTime() - t0) / 1e9, rs.problems().size());
        if (showProblems) {
            rs.problems().forEach(p -> System.err.println("  " + p));
        }
        OssecTracer tracer = trace ? new OssecTracer(rs.imported().rules()) : null;
        try (OssecTester tester = new OssecTester(kb, rs.decoders(), location, builtinRules != null)) {
            LineLoop.run(file, tester::reset, line -> {
                OssecTester.Outcome o = tester.test(line);
                List<OssecTracer.Step> steps = tracer == null ? null : tracer.trace(o.event());
                return json ? json(o, steps) : text(o, steps);
            });
        }
        return 0;
    }

    static String json(OssecTester.Outcome o, List<OssecTracer.Step> steps) {
        ObjectNode n = JSON.createObjectNode();
        OssecEvent e = o.event();
        n.put("decoder", e.decoder());
        n.put("rule", o.ruleId());
        if (o.level() == null) {
            n.putNull("level");
        } else {
            n.put("level", o.level());
        }
        n.put("description", o.alert() == null ? null : o.alert().message());
        n.put("program_name", e.programName());
        n.put("hostname", e.hostname());
        ObjectNode fields = n.putObject("fields");
        new TreeMap<>(e.fields()).forEach(fields::put);
        if (o.alert() != null) {
            n.put("groups", o.alert().evidence().get("ossec.groups"));
        }
        var findings = n.putArray("findings");
        for (Finding f : o.result().findings()) {
            findings.addObject().put("rule", f.ruleId()).put("severity", f.severity().label()).put("message", f.message());
        }
        if (steps != null) {
            var t = n.putArray("trace");
            for (OssecTracer.Step s : steps) {
                t.addObject().put("depth", s.depth()).put("rule", s.ruleId()).put("level", s.level()).put("failed", s.failed());
            }
        }
        return n.toString();
    }

    static String text(OssecTester.Outcome o, List<OssecTracer.Step> steps) {
        OssecEvent e = o.event();
        StringBuilder b = new StringBuilder();
        b.append("**Phase 1: pre-decoding\n  hostname: ").append(e.hostname()).append("\n  program_name: ").append(e.programName())
                .append("\n  log: ").append(e.log()).append('\n');
        b.append("**Phase 2: decoding\n  name: ").append(e.decoder() == null ? "(none)" : e.decoder()).append('\n');
        new TreeMap<>(e.fields()).forEach((k, v) -> b.append("  ").append(k).append(": ").append(v).append('\n'));
        b.append("**Phase 3: filtering\n");
        if (steps != null) {
            steps.forEach(s -> b.append("  ").append(s).append('\n'));
        }
        if (o.alert() == null) {
            b.append("  no rule matched");
        } else {
            b.append("  id: ").append(o.ruleId()).append("\n  level: ").append(o.level()).append("\n  description: ").append(o.alert().message())
                    .append("\n  groups: ").append(o.alert().evidence().get("ossec.groups"));
        }
        for (Finding f : o.result().findings()) {
            if (f != o.alert()) {
                b.append("\n  also: ").append(f.ruleId()).append(" (").append(f.severity().label()).append(") ").append(f.message());
            }
        }
        return b.toString();
    }
}
