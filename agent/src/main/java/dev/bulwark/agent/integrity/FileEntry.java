package dev.bulwark.agent.integrity;

import dev.bulwark.agent.linux.NativeFiles.Stat;
import dev.bulwark.engine.integrity.FileAttribute;
import dev.bulwark.engine.integrity.FileState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One file-system entry as the baseline records it.
 *
 * @param sha256 {@code null} when not a regular file, when content is not monitored, or when it could not be read
 * @param error  why part of the entry could not be read ({@code EACCES ...}), or {@code null}
 */
public record FileEntry(byte[] path, Stat stat, String owner, String group, byte[] sha256, byte[] linkTarget,
                        SortedMap<String, byte[]> xattrs, String error) {

    static final String ACL_ACCESS = "system.posix_acl_access";
    static final String ACL_DEFAULT = "system.posix_acl_default";

    public FileEntry {
        xattrs = xattrs == null ? new TreeMap<>() : xattrs;
    }

    public String displayPath() {
        return RawPaths.display(path);
    }

    public String type() {
        return switch (stat.format()) {
            case 0100000 -> "file";
            case 0040000 -> "directory";
            case 0120000 -> "symlink";
            case 0010000 -> "fifo";
            case 0140000 -> "socket";
            case 0060000 -> "block";
            case 0020000 -> "char";
            default -> "unknown";
        };
    }

    /** The attributes among {@code monitored} whose values differ from {@code before}, in declaration order. */
    public List<String> differences(FileEntry before, Set<FileAttribute> monitored) {
        List<String> out = new ArrayList<>();
        for (FileAttribute a : FileAttribute.values()) {
            if (!monitored.contains(a)) {
                continue;
            }
            boolean differs = switch (a) {
                case TYPE -> stat.format() != before.stat.format();
                case SHA256 -> sha256 != null && before.sha256 != null && !Arrays.equals(sha256, before.sha256);
                case SIZE -> stat.size() != before.stat.size() && !stat.isDirectory();
                case MODE -> (stat.mode() & 07777) != (before.stat.mode() & 07777);
                case UID -> stat.uid() != before.stat.uid();
                case GID -> stat.gid() != before.stat.gid();
                case OWNER -> !Objects.equals(owner, before.owner);
                case GROUP -> !Objects.equals(group, before.group);
                case MTIME -> stat.mtime() != before.stat.mtime();
                case CTIME -> stat.ctime() != before.stat.ctime();
                case INODE -> stat.inode() != before.stat.inode() || stat.device() != before.stat.device();
                case LINKS -> stat.links() != before.stat.links();
                case TARGET -> !Arrays.equals(linkTarget, before.linkTarget);
                case XATTRS -> !sameXattrs(xattrs, before.xattrs, false);
                case ACL -> !sameXattrs(xattrs, before.xattrs, true);
            };
            if (differs) {
                out.add(a.key());
            }
        }
        return out;
    }

    private static boolean sameXattrs(SortedMap<String, byte[]> a, SortedMap<String, byte[]> b, boolean acl) {
        if (a.isEmpty() && b.isEmpty()) {
            return true;
        }
        Map<String, byte[]> x = select(a, acl);
        Map<String, byte[]> y = select(b, acl);
        if (!x.keySet().equals(y.keySet())) {
            return false;
        }
        for (var e : x.entrySet()) {
            if (!Arrays.equals(e.getValue(), y.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, byte[]> select(SortedMap<String, byte[]> all, boolean acl) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (var e : all.entrySet()) {
            boolean isAcl = e.getKey().equals(ACL_ACCESS) || e.getKey().equals(ACL_DEFAULT);
            if (isAcl == acl) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** The fact rules see. */
    public FileState toState() {
        Map<String, String> xa = new TreeMap<>();
        for (var e : select(xattrs, false).entrySet()) {
            xa.put(e.getKey(), printable(e.getValue()));
        }
        String acl = null;
        if (xattrs.containsKey(ACL_ACCESS) || xattrs.containsKey(ACL_DEFAULT)) {
            String access = PosixAcl.describe(xattrs.get(ACL_ACCESS), "");
            String dflt = PosixAcl.describe(xattrs.get(ACL_DEFAULT), "default:");
            acl = access.isEmpty() ? dflt : dflt.isEmpty() ? access : access + "," + dflt;
        }
        return new FileState(displayPath(), type(), sha256 == null ? null : HexFormat.of().formatHex(sha256), stat.size(),
                stat.mode() & 07777, stat.uid(), stat.gid(), owner, group, stat.mtime(), stat.ctime(), stat.inode(), stat.links(),
                linkTarget == null ? null : RawPaths.display(linkTarget), xa, acl);
    }

    /** An xattr value as text when it is printable UTF-8 (SELinux labels), else {@code hex:...} (capabilities). */
    static String printable(byte[] v) {
        int len = v.length > 0 && v[v.length - 1] == 0 ? v.length - 1 : v.length;
        boolean text = true;
        for (int i = 0; i < len; i++) {
            if (v[i] >= 0 && v[i] < 0x20 || v[i] == 0x7f) {
                text = false;
                break;
            }
        }
        if (text) {
            String s = new String(v, 0, len, StandardCharsets.UTF_8);
            if (!s.contains("\uFFFD")) {
                return s;
            }
        }
        return "hex:" + HexFormat.of().formatHex(v);
    }
}
