package dev.bulwark.engine.integrity;

/**
 * The monitored attributes of one file system entry at one moment.
 *
 * @param type  {@code file}, {@code directory}, {@code symlink}, {@code fifo}, {@code socket}, {@code block}, {@code char}
 * @param mode  permission bits, e.g. {@code 0640} as the integer 416
 * @param mtime modification time, epoch nanoseconds
 * @param ctime status-change time, epoch nanoseconds
 */
public record FileState(String path, String type, String sha256, long size, int mode, int uid, int gid,
                        String owner, String group, long mtime, long ctime, long inode, int linkCount,
                        String linkTarget) {
}
