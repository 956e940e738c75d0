package dev.bulwark.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line built for one subcommand parses and documents it exactly as the whole tree does. */
class AgentCommandTreeTest {

    @Test
    void aNamedSubcommandGetsATreeOfItsOwnWithTheSameModel() {
        Map<String, CommandLine> all = AgentCommand.commandLine().getSubcommands();
        assertTrue(all.size() >= 13, "every subcommand is in the whole tree: " + all.keySet());
        for (Map.Entry<String, CommandLine> e : all.entrySet()) {
            CommandLine one = AgentCommand.commandLine(new String[] {e.getKey(), "--help"});
            assertEquals(java.util.Set.of(e.getKey()), one.getSubcommands().keySet());
            assertEquals(e.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF),
                    one.getSubcommands().get(e.getKey()).getUsageMessage(CommandLine.Help.Ansi.OFF), e.getKey());
        }
    }

    @Test
    void anythingElseGetsTheWholeTree() {
        int all = AgentCommand.commandLine().getSubcommands().size();
        assertEquals(all, AgentCommand.commandLine(new String[] {"--help"}).getSubcommands().size());
        assertEquals(all, AgentCommand.commandLine(new String[] {"fimm", "check"}).getSubcommands().size(), "a typo still gets suggestions");
        assertEquals(all, AgentCommand.commandLine(new String[0]).getSubcommands().size());
    }
}
