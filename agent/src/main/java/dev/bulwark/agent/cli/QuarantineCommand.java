package dev.bulwark.agent.cli;

import dev.bulwark.agent.antimalware.QuarantineStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark-agent quarantine}: what the anti-malware module moved aside. */
@Command(name = "quarantine", mixinStandardHelpOptions = true, description = "List, restore or delete quarantined files.",
        subcommands = {QuarantineCommand.ListItems.class, QuarantineCommand.Restore.class, QuarantineCommand.Delete.class},
        footer = {"", "Exit codes: 0 done, 4 state error (unknown id, target exists), 64 usage."})
final class QuarantineCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** One change to the quarantine: what it did on stdout, or why not on stderr with exit 4. */
    interface Change {
        String apply() throws java.io.IOException;
    }

    static int change(CommandLine.Model.CommandSpec spec, Change c) {
        try {
            spec.commandLine().getOut().println(c.apply());
            return ExitCodes.OK;
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return ExitCodes.STATE_ERROR;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every quarantined file: id, when, signature, original path.")
    static final class ListItems implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin
        AgentCommand.StateOption state;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<String> problems = new ArrayList<>();
            for (QuarantineStore.Item it : new QuarantineStore(state.store().root()).list(problems)) {
                out.printf("%s  %s  %-30s %s (%d bytes, uid %d, mode %o, rule %s)%n", it.id(), it.quarantinedAt(), it.signature(),
                        it.originalPath(), it.size(), it.uid(), it.mode(), it.ruleId());
            }
            problems.forEach(p -> spec.commandLine().getErr().println("unreadable record: " + p));
            return problems.isEmpty() ? ExitCodes.OK : ExitCodes.STATE_ERROR;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Put a quarantined file back, with its owner and mode.")
    static final class Restore implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin
        AgentCommand.StateOption state;
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--to", paramLabel = "PATH", description = "restore here instead of the original path")
        Path to;

        @Override
        public Integer call() {
            return change(spec, () -> "restored " + id + " to " + new QuarantineStore(state.store().root()).restore(id, to));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a quarantined file for good.")
    static final class Delete implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin
        AgentCommand.StateOption state;
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            return change(spec, () -> {
                new QuarantineStore(state.store().root()).delete(id);
                return "deleted " + id;
            });
        }
    }
}
