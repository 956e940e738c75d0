package dev.bulwark.agent.integrity;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Reads the kernel's binary POSIX ACL ({@code system.posix_acl_access}, version 2) into getfacl's short text. */
final class PosixAcl {

    private static final int VERSION = 2;

    private PosixAcl() {
    }

    /** {@code user::rw-,user:1000:r--,group::r--,mask::r--,other::r--}, each entry prefixed; empty for {@code null}. */
    static String describe(byte[] xattr, String prefix) {
        if (xattr == null) {
            return "";
        }
        ByteBuffer b = ByteBuffer.wrap(xattr).order(ByteOrder.LITTLE_ENDIAN);
        if (xattr.length < 4 || (xattr.length - 4) % 8 != 0 || b.getInt() != VERSION) {
            return prefix + "unreadable:" + HexFormat.of().formatHex(xattr);
        }
        List<String> parts = new ArrayList<>();
        while (b.remaining() >= 8) {
            int tag = Short.toUnsignedInt(b.getShort());
            int perm = Short.toUnsignedInt(b.getShort());
            long id = Integer.toUnsignedLong(b.getInt());
            String who = switch (tag) {
                case 0x01 -> "user::";
                case 0x02 -> "user:" + id + ":";
                case 0x04 -> "group::";
                case 0x08 -> "group:" + id + ":";
                case 0x10 -> "mask::";
                case 0x20 -> "other::";
                default -> "tag" + tag + ":" + id + ":";
            };
            parts.add(prefix + who + ((perm & 4) != 0 ? "r" : "-") + ((perm & 2) != 0 ? "w" : "-") + ((perm & 1) != 0 ? "x" : "-"));
        }
        return String.join(",", parts);
    }
}
