package dev.bulwark.engine;

/** What an enforcer does with the thing a {@link Verdict} is about. */
public enum Action {
    ALLOW, BLOCK, QUARANTINE, DELETE, LOG_ONLY
}
