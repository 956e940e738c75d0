package dev.bulwark.engine;

import java.util.Locale;

/** How bad a finding is. Ordered from least to most severe, so {@code compareTo} ranks them. */
public enum Severity {
    INFO, LOW, MEDIUM, HIGH, CRITICAL;

    /** Parses a rule annotation or case-file value such as {@code "high"}; names the accepted values when it fails. */
    public static Severity parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("severity is missing; use one of info, low, medium, high, critical");
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown severity '" + text + "'; use one of info, low, medium, high, critical");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
