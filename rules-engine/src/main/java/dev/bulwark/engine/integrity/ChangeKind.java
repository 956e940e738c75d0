package dev.bulwark.engine.integrity;

/** How an entity differs from its baseline. */
public enum ChangeKind {
    CREATED, MODIFIED, DELETED, RENAMED
}
