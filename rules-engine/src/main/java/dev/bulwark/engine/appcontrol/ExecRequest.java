package dev.bulwark.engine.appcontrol;

/**
 * One exec awaiting a decision.
 *
 * @param inventoryStatus {@code known} (in the inventory), {@code changed} (path known, content not),
 *                        {@code unknown}, or {@code approved} (by an admin ruleset); computed by the
 *                        agent's inventory lookup before the rules run
 * @param packageName     owning package if dpkg/rpm records the file, else {@code null}
 */
public record ExecRequest(String path, String sha256, long size, int uid, String user, int pid,
                          String parentPath, String commandLine, String inventoryStatus, String packageName,
                          long timestamp) {
}
