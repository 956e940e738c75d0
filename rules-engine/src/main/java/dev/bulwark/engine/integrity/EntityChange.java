package dev.bulwark.engine.integrity;

import java.util.Map;

/**
 * A change to a monitored entity that is not a file: a package, service, listening port, user,
 * group, kernel module or crontab.
 *
 * @param entityType {@code package}, {@code service}, {@code port}, {@code user}, {@code group}, {@code kmod}, {@code crontab}
 * @param key        what identifies the entity within its type (package name, user name, {@code tcp/22})
 */
public record EntityChange(String entityType, String key, ChangeKind kind, Map<String, String> before,
                           Map<String, String> after, boolean expected, long timestamp) {
    public EntityChange {
        before = before == null ? Map.of() : Map.copyOf(before);
        after = after == null ? Map.of() : Map.copyOf(after);
    }
}
