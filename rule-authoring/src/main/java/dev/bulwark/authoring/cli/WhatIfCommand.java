package dev.bulwark.authoring.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.authoring.whatif.ReplayInput;
import dev.bulwark.authoring.whatif.WhatIf;
import dev.bulwark.engine.Finding;
import dev.bulwark.engine.build.RuleBuildException;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bulwark-rules whatif}: what a candidate rule set would change on recorded events. */
@Command(name = "whatif", mixinStandardHelpOptions = true,
        description = {"Replay recorded events through the current rules and a candidate side by side, and report which",
                "findings appear, disappear or change (severity, message or evidence): how to know a change is safe before rollout.",
                "--log FILE replays raw log lines through Bulwark's decoders; --events FILE replays JSON lines {\"LogEvent\": {...}}",
                "(any fact type, as in rule cases). Inputs replay in the order given, through one long-lived session per side."},
        footer = {"", "Exit codes: 0 done (1 with --fail-on-change when anything differs), 2 rule problems, 4 I/O error, 64 usage."})
final class WhatIfCommand implements Callable<Integer> {

    @Option(names = "--candidate", required = true, paramLabel = "DIR", description = "the candidate rules directory")
    Path candidate;
    @Option(names = "--current", paramLabel = "DIR", description = "the rules in force (default: $BULWARK_HOME/knowledge-base/src/main/resources/rules)")
    Path current;
    @Option(names = "--log", paramLabel = "FILE", description = "raw log lines to replay (repeatable)")
    List<Path> logs = new ArrayList<>();
    @Option(names = "--events", paramLabel = "FILE", description = "recorded facts as JSON lines (repeatable)")
    List<Path> events = new ArrayList<>();
    @Option(names = "--limit", defaultValue = "50", description = "differences to list (all are counted; default: ${DEFAULT-VALUE})")
    int limit;
    @Option(names = "--fail-on-change", description = "exit 1 when any finding differs")
    boolean failOnChange;
    @Option(names = "--json", description = "print the report as one JSON object")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (logs.isEmpty() && events.isEmpty()) {
            System.err.println("nothing to replay: give --log FILE or --events FILE");
            return RulesCommand.USAGE;
        }
        Path cur = current != null ? current : RulesCommand.builtinRules();
        LoadedKnowledgeBase before;
        LoadedKnowledgeBase after;
        try {
            before = RulesCommand.compileAndLoad(cur);
            after = RulesCommand.compileAndLoad(candidate);
        } catch (RuleBuildException e) {
            RulesCommand.printProblems(e.problems(), json);
            System.err.println("a rule set does not compile; nothing replayed");
            return RulesCommand.RULE_PROBLEMS;
        }
        WhatIf.Report report;
        try (WhatIf w = new WhatIf(before, after, limit)) {
            for (Path f : logs) {
                ReplayInput.logLines(f, w::replay);
            }
            for (Path f : events) {
                ReplayInput.factLines(f, w::replay, w::skipped);
            }
            report = w.report();
        }
        print(report);
        return failOnChange && report.differs() ? 1 : RulesCommand.OK;
    }

    private void print(WhatIf.Report r) throws IOException {
        if (json) {
            ObjectNode n = RulesCommand.JSON.createObjectNode();
            n.put("facts", r.facts());
            n.put("currentFindings", r.currentFindings());
            n.put("candidateFindings", r.candidateFindings());
            n.put("appeared", r.appeared());
            n.put("disappeared", r.disappeared());
            n.put("changed", r.changed());
            n.put("unchanged", r.unchanged());
            n.set("perRule", RulesCommand.JSON.valueToTree(r.perRule()));
            ArrayNode list = n.putArray("changes");
            for (WhatIf.Change c : r.changes()) {
                ObjectNode o = list.addObject();
                o.put("kind", c.kind().name().toLowerCase());
                o.put("source", c.source());
                o.put("line", c.line());
                o.put("rule", c.ruleId());
                o.set("before", finding(c.before()));
                o.set("after", finding(c.after()));
            }
            n.set("skipped", RulesCommand.JSON.valueToTree(r.skipped()));
            System.out.println(RulesCommand.JSON.writeValueAsString(n));
            return;
        }
        System.out.printf("replayed %d facts: current rules %d findings, candidate %d%n", r.facts(), r.currentFindings(), r.candidateFindings());
        System.out.printf("  %d appeared, %d disappeared, %d changed, %d unchanged%n", r.appeared(), r.disappeared(), r.changed(), r.unchanged());
        boolean header = false;
        for (Map.Entry<String, WhatIf.RuleCounts> e : r.perRule().entrySet()) {
            if (e.getValue().current() != e.getValue().candidate()) {
                if (!header) {
                    System.out.printf("%-18s %9s %9s%n", "rule", "current", "candidate");
                    header = true;
                }
                System.out.printf("%-18s %9d %9d%n", e.getKey(), e.getValue().current(), e.getValue().candidate());
            }
        }
        for (WhatIf.Change c : r.changes()) {
            String where = c.source() + ":" + c.line();
            switch (c.kind()) {
                case APPEARED -> System.out.printf("+ %s %s %s: %s%n", where, c.ruleId(), c.severityAfter(), c.after().message());
                case DISAPPEARED -> System.out.printf("- %s %s %s: %s%n", where, c.ruleId(), c.severityBefore(), c.before().message());
                case CHANGED -> System.out.printf("~ %s %s %s -> %s: %s%n", where, c.ruleId(), c.severityBefore(), c.severityAfter(), c.after().message());
            }
        }
        long listed = r.changes().size();
        if (listed < r.appeared() + r.disappeared() + r.changed()) {
            System.out.printf("(first %d differences listed; --limit N for more)%n", listed);
        }
        r.skipped().forEach(s -> System.err.printf("skipped %s:%d: %s%n", s.source(), s.line(), s.reason()));
    }

    private static ObjectNode finding(Finding f) {
        if (f == null) {
            return null;
        }
        ObjectNode o = RulesCommand.JSON.createObjectNode();
        o.put("severity", f.severity().name().toLowerCase());
        o.put("message", f.message());
        o.set("evidence", RulesCommand.JSON.valueToTree(f.evidence()));
        return o;
    }
}
