package dev.bulwark.authoring;

import dev.bulwark.authoring.cli.RulesCommand;

/** Entry point of {@code bulwark-rules}. */
public final class RulesMain {
    private RulesMain() {
    }

    public static void main(String[] args) {
        System.exit(RulesCommand.commandLine().execute(args));
    }
}
