package dev.bulwark.engine.appcontrol;

/**
 * The host's application-control setting, inserted once per session.
 *
 * @param mode        {@code block} (deny unrecognised software) or {@code detect} (allow and report)
 * @param maintenance true while a maintenance window admits new executables
 */
public record EnforcementMode(String mode, boolean maintenance) {
}
