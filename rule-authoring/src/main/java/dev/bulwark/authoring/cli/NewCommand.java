package dev.bulwark.authoring.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.authoring.template.RuleTemplates;
import dev.bulwark.authoring.template.TemplateException;
import dev.bulwark.authoring.template.TemplateProblem;
import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import dev.bulwark.engine.build.RuleBuildException;
import dev.bulwark.engine.policy.DrlSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark-rules new}: start a rule from a template, or generate DRL from filled-in templates. */
@Command(name = "new", mixinStandardHelpOptions = true,
        description = {"With --template KIND: print a commented template to fill in (--schema: its JSON Schema instead).",
                "With TEMPLATE files: validate each against its schema, generate DRL, check it all with the DRL policy and",
                "the compiler, then print it or write one .drl per rule below --out. Nothing is written when anything fails."},
        footer = {"", "Templates: log, integrity, appcontrol, exclusion. Exit codes: 0 ok, 2 template or rule problems, 4 I/O error, 64 usage."})
final class NewCommand implements Callable<Integer> {

    @Option(names = "--template", paramLabel = "KIND", description = "log | integrity | appcontrol | exclusion")
    String template;
    @Option(names = "--schema", description = "with --template: print the JSON Schema")
    boolean schema;
    @Parameters(arity = "0..*", paramLabel = "TEMPLATE", description = "filled-in templates (.yaml or .json)")
    List<Path> files = new ArrayList<>();
    @Option(names = "--out", paramLabel = "DIR", description = "write DRL below this rules directory (as KIND/ID.drl) instead of printing it")
    Path out;
    @Option(names = "--json", description = "print problems (or what was written) as JSON")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (template != null) {
            if (!RuleTemplates.KINDS.contains(template)) {
                System.err.println("no template '" + template + "'; templates: " + String.join(", ", RuleTemplates.KINDS));
                return RulesCommand.USAGE;
            }
            if (schema) {
                System.out.print(RuleTemplates.schema(template));
            } else {
                try (InputStream in = NewCommand.class.getResourceAsStream("/templates/" + template + ".example.yaml")) {
                    System.out.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            return RulesCommand.OK;
        }
        if (files.isEmpty()) {
            System.err.println("give --template KIND to start a rule, or TEMPLATE files to generate DRL from");
            return RulesCommand.USAGE;
        }
        List<DrlSource> generated = new ArrayList<>();
        List<TemplateProblem> problems = new ArrayList<>();
        for (Path f : files) {
            try {
                generated.add(RuleTemplates.generate(Files.readString(f, StandardCharsets.UTF_8), f.toString()));
            } catch (TemplateException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            if (json) {
                System.out.println(RulesCommand.JSON.writeValueAsString(problems));
            } else {
                problems.forEach(p -> System.err.println(p));
                System.err.printf("%d problem(s); nothing generated%n", problems.size());
            }
            return RulesCommand.RULE_PROBLEMS;
        }
        try {
            new KnowledgeBaseCompiler().compile(generated);
        } catch (RuleBuildException e) {
            // the schema should make this unreachable; if a template still yields DRL the policy refuses, say so plainly
            RulesCommand.printProblems(e.problems(), json);
            System.err.println("the generated DRL did not pass the DRL policy and compiler; nothing written");
            return RulesCommand.RULE_PROBLEMS;
        }
        List<String> written = new ArrayList<>();
        for (DrlSource s : generated) {
            if (out == null) {
                if (!json) {
                    System.out.println(s.text());
                }
                continue;
            }
            Path target = out.resolve(s.path());
            Files.createDirectories(target.getParent());
            Files.writeString(target, s.text(), StandardCharsets.UTF_8);
            written.add(target.toString());
        }
        if (json) {
            ObjectNode n = RulesCommand.JSON.createObjectNode();
            n.set("written", RulesCommand.JSON.valueToTree(written));
            n.set("drl", RulesCommand.JSON.valueToTree(generated.stream().map(DrlSource::text).toList()));
            System.out.println(RulesCommand.JSON.writeValueAsString(n));
        } else {
            written.forEach(w -> System.err.println("wrote " + w));
        }
        return RulesCommand.OK;
    }
}
