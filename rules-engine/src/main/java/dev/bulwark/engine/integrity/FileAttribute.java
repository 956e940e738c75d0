package dev.bulwark.engine.integrity;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * An attribute integrity monitoring records and compares for a file-system entry. The lower-case
 * {@link #key()} is the name rules see in {@link FileChange#changedAttributes()}.
 */
public enum FileAttribute {
    TYPE, SHA256, SIZE, MODE, UID, GID, OWNER, GROUP, MTIME, CTIME, INODE, LINKS, TARGET, XATTRS, ACL;

    /** Every attribute: content, permissions, ownership, times, identity, links and extended attributes. */
    public static final Set<FileAttribute> STANDARD = EnumSet.allOf(FileAttribute.class);
    /** What the content is: type, hash, size, symlink target. */
    public static final Set<FileAttribute> CONTENT = EnumSet.of(TYPE, SHA256, SIZE, TARGET);
    /** Who may do what: mode, ownership, ACLs and extended attributes (SELinux labels, capabilities). */
    public static final Set<FileAttribute> PERMISSIONS = EnumSet.of(TYPE, MODE, UID, GID, OWNER, GROUP, ACL, XATTRS);
    /** For files that grow (logs): everything but content, size and times, which change all the time. */
    public static final Set<FileAttribute> GROWING = EnumSet.of(TYPE, MODE, UID, GID, OWNER, GROUP, INODE, ACL, XATTRS);

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a comma-separated list of attribute names and group names ({@code STANDARD},
     * {@code CONTENT}, {@code PERMISSIONS}, {@code GROWING}), any case; {@code -name} removes one.
     *
     * @throws IllegalArgumentException naming the unknown word and the words allowed
     */
    public static Set<FileAttribute> parse(String csv) {
        EnumSet<FileAttribute> out = EnumSet.noneOf(FileAttribute.class);
        if (csv == null || csv.isBlank()) {
            throw new IllegalArgumentException("no attributes given; use STANDARD or a list such as sha256,mode,owner");
        }
        for (String raw : csv.split(",")) {
            String word = raw.trim();
            if (word.isEmpty()) {
                continue;
            }
            boolean remove = word.startsWith("-");
            String name = (remove ? word.substring(1) : word).trim().toUpperCase(Locale.ROOT);
            Set<FileAttribute> named = switch (name) {
                case "STANDARD" -> STANDARD;
                case "CONTENT" -> CONTENT;
                case "PERMISSIONS" -> PERMISSIONS;
                case "GROWING" -> GROWING;
                default -> {
                    try {
                        yield EnumSet.of(valueOf(name));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("unknown attribute '" + word + "'; use STANDARD, CONTENT, PERMISSIONS, GROWING or "
                                + String.join(", ", EnumSet.allOf(FileAttribute.class).stream().map(FileAttribute::key).toList()));
                    }
                }
            };
            if (remove) {
                out.removeAll(named);
            } else {
                out.addAll(named);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("'" + csv + "' leaves no attribute to monitor");
        }
        return out;
    }
}
