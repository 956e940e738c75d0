package dev.bulwark.engine.loginspection.ossec;

/**
 * The level of the last correlation alert an event took part in (0 when none): Wazuh's per-event
 * {@code matched}. Rules can read it; only {@link OssecRules#correlated} (this package) sets it,
 * so rule text cannot change an event.
 */
public final class MatchedLevel {

    private volatile int level;

    public int level() {
        return level;
    }

    void set(int value) {
        level = value;
    }

    @Override
    public String toString() {
        return Integer.toString(level);
    }
}
