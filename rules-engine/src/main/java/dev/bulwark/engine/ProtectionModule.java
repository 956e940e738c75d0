package dev.bulwark.engine;

import java.util.Locale;

/** The protection modules under one manager; every rule belongs to exactly one (its {@code @module}). */
public enum ProtectionModule {
    ANTIMALWARE("antimalware"),
    WEB_REPUTATION("webreputation"),
    FIREWALL("firewall"),
    IPS("ips"),
    INTEGRITY("integrity"),
    LOG_INSPECTION("loginspection"),
    APP_CONTROL("appcontrol"),
    RECOMMENDATION("recommendation");

    private final String id;

    ProtectionModule(String id) {
        this.id = id;
    }

    /** The stable identifier used in annotations, paths, package names and exports. */
    public String id() {
        return id;
    }

    public static ProtectionModule fromId(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (ProtectionModule m : values()) {
            if (m.id.equals(wanted)) {
                return m;
            }
        }
        StringBuilder known = new StringBuilder();
        for (ProtectionModule m : values()) {
            known.append(known.isEmpty() ? "" : ", ").append(m.id);
        }
        throw new IllegalArgumentException("unknown module '" + text + "'; use one of " + known);
    }
}
