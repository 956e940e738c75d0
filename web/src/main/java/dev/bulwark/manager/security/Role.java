package dev.bulwark.manager.security;

import java.util.Locale;

/** What a person (or an API key) may do. The auditor reads everything and changes nothing. */
public enum Role {
    ADMIN, RULE_AUTHOR, ANALYST, AUDITOR;

    public String authority() {
        return "ROLE_" + name();
    }

    public static Role parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown role '" + text + "'; use admin, rule-author, analyst or auditor");
        }
    }
}
