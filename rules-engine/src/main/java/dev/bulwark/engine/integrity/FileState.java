package dev.bulwark.engine.integrity;

import java.util.Map;

/**
 * The monitored attributes of one file system entry at one moment.
 *
 * @param path   the path as text: UTF-8, with bytes that are not and control characters written
 *               {@code \xHH} (and {@code \n}, {@code \t}, {@code \r}, {@code \\})
 * @param type   {@code file}, {@code directory}, {@code symlink}, {@code fifo}, {@code socket}, {@code block}, {@code char}
 * @param sha256 hex, or {@code null} when not a regular file, not monitored or not readable
 * @param mode   permission bits with set-id and sticky bits, e.g. {@code 0640} as the integer 416
 * @param mtime  modification time, epoch nanoseconds
 * @param ctime  status-change time, epoch nanoseconds
 * @param xattrs extended attributes other than ACLs, by name; values as text when printable, else {@code hex:...}
 * @param acl    POSIX ACLs in {@code getfacl}'s short form ({@code user::rw-,user:1000:r--,...}),
 *               the default ACL after {@code default:}; {@code null} when the entry has none
 */
public record FileState(String path, String type, String sha256, long size, int mode, int uid, int gid,
                        String owner, String group, long mtime, long ctime, long inode, int linkCount,
                        String linkTarget, Map<String, String> xattrs, String acl) {
    public FileState {
        xattrs = xattrs == null ? Map.of() : Map.copyOf(xattrs);
    }
}
