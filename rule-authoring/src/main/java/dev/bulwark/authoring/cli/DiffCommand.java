package dev.bulwark.authoring.cli;

import dev.bulwark.authoring.catalog.LineDiff;
import dev.bulwark.authoring.catalog.RuleCatalog;
import dev.bulwark.authoring.catalog.RuleHistory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark-rules diff}: what changed between two versions of a rule, or two DRL files. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"With --index DIR ID: the unified diff of a rule's metadata and DRL between two saved versions",
                "(default: the one before the latest, and the latest); --history lists every version with author and time.",
                "With two files: their unified diff."},
        footer = {"", "Exit codes: 0 no difference, 1 different, 4 I/O error, 64 usage (unknown rule or version)."})
final class DiffCommand implements Callable<Integer> {

    @Parameters(arity = "1..2", paramLabel = "ID|FILE")
    List<String> args;
    @Option(names = "--index", paramLabel = "DIR", description = "the kept catalog whose history to read")
    Path index;
    @Option(names = "--from", paramLabel = "N", description = "the older version")
    Integer from;
    @Option(names = "--to", paramLabel = "N", description = "the newer version")
    Integer to;
    @Option(names = "--history", description = "list the versions instead of diffing")
    boolean history;

    @Override
    public Integer call() throws IOException {
        if (index == null) {
            if (args.size() != 2) {
                System.err.println("give two files, or --index DIR and a rule id");
                return RulesCommand.USAGE;
            }
            String diff = LineDiff.unified(args.get(0), args.get(1), Files.readString(Path.of(args.get(0)), StandardCharsets.UTF_8),
                    Files.readString(Path.of(args.get(1)), StandardCharsets.UTF_8));
            System.out.print(diff);
            return diff.isEmpty() ? RulesCommand.OK : 1;
        }
        String id = args.getFirst();
        List<RuleHistory.Version> versions;
        try (RuleCatalog catalog = RuleCatalog.open(index)) {
            versions = catalog.history(id);
        }
        if (versions.isEmpty()) {
            System.err.println("no saved version of " + id + " in " + index);
            return RulesCommand.USAGE;
        }
        if (history) {
            versions.forEach(v -> System.out.printf("v%-4d %s  %-16s %s%n", v.version(), v.at(), v.author(), v.rule().title()));
            return RulesCommand.OK;
        }
        int newer = to != null ? to : versions.getLast().version();
        int older = from != null ? from : versions.size() > 1 ? versions.get(versions.size() - 2).version() : newer;
        Optional<RuleHistory.Version> a = versions.stream().filter(v -> v.version() == older).findFirst();
        Optional<RuleHistory.Version> b = versions.stream().filter(v -> v.version() == newer).findFirst();
        if (a.isEmpty() || b.isEmpty()) {
            System.err.println(id + " has versions " + versions.stream().map(v -> Integer.toString(v.version())).toList()
                    + "; no version " + (a.isEmpty() ? older : newer));
            return RulesCommand.USAGE;
        }
        String diff = LineDiff.unified(label(a.get()), label(b.get()), LineDiff.render(a.get().rule()), LineDiff.render(b.get().rule()));
        System.out.print(diff);
        return diff.isEmpty() ? RulesCommand.OK : 1;
    }

    private static String label(RuleHistory.Version v) {
        return v.id() + " v" + v.version() + " (" + v.author() + ", " + v.at() + ")";
    }
}
