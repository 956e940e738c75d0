package dev.bulwark.engine.policy;

/**
 * One DRL file to check or compile.
 *
 * @param path where it came from, relative to its rules root ({@code loginspection/sshd.drl}); used in problems and in the KJAR
 */
public record DrlSource(String path, String text) {
}
