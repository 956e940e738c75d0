package dev.bulwark.engine.integrity;

import java.util.List;

/**
 * A file that differs from its baseline.
 *
 * @param before            {@code null} when created
 * @param after             {@code null} when deleted
 * @param changedAttributes names of the attributes that differ ({@code sha256}, {@code mode}, ...)
 * @param expected          true when the package manager or a maintenance window explains the change
 */
public record FileChange(String path, ChangeKind kind, FileState before, FileState after,
                         List<String> changedAttributes, boolean expected, long timestamp) {
    public FileChange {
        changedAttributes = List.copyOf(changedAttributes);
    }

    public boolean changed(String attribute) {
        return changedAttributes.contains(attribute);
    }
}
