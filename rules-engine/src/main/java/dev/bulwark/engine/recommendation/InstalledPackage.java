package dev.bulwark.engine.recommendation;

/** @param manager {@code dpkg} or {@code rpm}; decides how {@code version} compares */
public record InstalledPackage(String name, String version, String architecture, String manager) {
}
