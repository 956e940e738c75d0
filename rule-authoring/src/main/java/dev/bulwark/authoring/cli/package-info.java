/**
 * The {@code bulwark-rules} command line (picocli). Every command that reports results can print
 * JSON; exit codes are on {@link dev.bulwark.authoring.cli.RulesCommand}.
 */
package dev.bulwark.authoring.cli;
