/**
 * The {@code bulwark-agent} command line (picocli): trust, bundle installation and status,
 * evaluating fact files, the modules' own commands, runtime self-checks, and {@code run}, the
 * managed agent with the modules it starts from the effective policy (log inspection,
 * {@link dev.bulwark.agent.cli.IntegrityModule}, {@link dev.bulwark.agent.cli.AntimalwareModule},
 * {@link dev.bulwark.agent.cli.AppControlModule}). Exit codes are documented on {@link dev.bulwark.agent.cli.ExitCodes}.
 */
package dev.bulwark.agent.cli;
