package dev.bulwark.agent;

import dev.bulwark.agent.cli.AgentCommand;
import picocli.CommandLine;

/** Entry point of {@code bulwark-agent}. */
public final class AgentMain {
    private AgentMain() {
    }

    public static void main(String[] args) {
        System.exit(AgentCommand.commandLine(args).execute(args));
    }
}
