package dev.bulwark.agent.integrity;

/** Decides whether a change is one the administrator expects (a package update, a maintenance window). */
public interface ExpectedChanges {

    /** Nothing is expected: every change is raised. */
    ExpectedChanges NONE = (before, after) -> null;

    /**
     * Why the change from {@code before} to {@code after} is expected, or {@code null} when it is
     * not. Either side is {@code null} for a creation or a deletion.
     */
    String explain(FileEntry before, FileEntry after);
}
