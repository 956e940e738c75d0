/**
 * The {@code bulwark-agent} command line (picocli): trust, bundle installation and status,
 * evaluating fact files, and runtime self-checks. Exit codes are documented on {@link dev.bulwark.agent.cli.ExitCodes}.
 */
package dev.bulwark.agent.cli;
