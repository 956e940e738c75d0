package dev.bulwark.engine.recommendation;

/** A systemd unit, as {@code systemctl} reports it. */
public record ServiceUnit(String name, String activeState, boolean enabled, String unitFile) {
}
