package dev.bulwark.agent.integrity;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Linux paths as the bytes they are. Two orders matter: directory entries sort by unsigned bytes,
 * and a whole walk comes out in {@link #compare} order ('/' sorts before every other byte), which
 * is the order a depth-first walk of sorted directories produces, so a baseline and a new walk can
 * be merged as two sorted streams.
 */
public final class RawPaths {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RawPaths() {
    }

    /**
     * A path given as text (command line, rule): absolute, without {@code .}/{@code ..} segments,
     * repeated or trailing slashes removed.
     *
     * @throws IllegalArgumentException for a relative path or one holding NUL
     */
    public static byte[] of(String path) {
        if (path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("path holds a NUL character");
        }
        String abs = path.startsWith("/") ? path : java.nio.file.Path.of(path).toAbsolutePath().toString();
        StringBuilder sb = new StringBuilder();
        for (String seg : abs.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                int cut = sb.lastIndexOf("/");
                sb.setLength(Math.max(cut, 0));
                continue;
            }
            sb.append('/').append(seg);
        }
        return (sb.isEmpty() ? "/" : sb.toString()).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code dir + "/" + name}. */
    public static byte[] child(byte[] dir, byte[] name) {
        boolean root = dir.length == 1 && dir[0] == '/';
        byte[] out = Arrays.copyOf(dir, dir.length + (root ? 0 : 1) + name.length);
        if (!root) {
            out[dir.length] = '/';
        }
        System.arraycopy(name, 0, out, root ? 1 : dir.length + 1, name.length);
        return out;
    }

    /** Walk order: byte order with '/' lowest, so a directory's whole subtree precedes its next sibling. */
    public static int compare(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        int i = Arrays.mismatch(a, 0, n, b, 0, n);
        if (i < 0) {
            return Integer.compare(a.length, b.length);
        }
        return Integer.compare(rank(a[i]), rank(b[i]));
    }

    private static int rank(byte b) {
        return b == '/' ? 0 : Byte.toUnsignedInt(b) + 1;
    }

    /**
     * The path as text: UTF-8 where it is, every other byte and every control character written as
     * an escape ({@code \xHH}, {@code \n}, {@code \t}, {@code \r}, and {@code \\} for a backslash),
     * so a name with a newline or invalid UTF-8 prints on one line and two different names never
     * print the same.
     */
    public static String display(byte[] p) {
        boolean plain = true;
        for (byte b : p) {
            if (b < 0x20 || b == 0x7f || b == '\\') {
                plain = false;
                break;
            }
        }
        if (plain) {
            // ASCII fast path; bytes >= 0x80 are negative and were caught above.
            return new String(p, StandardCharsets.ISO_8859_1);
        }
        StringBuilder sb = new StringBuilder(p.length + 16);
        int i = 0;
        while (i < p.length) {
            int b = Byte.toUnsignedInt(p[i]);
            if (b < 0x80) {
                switch (b) {
                    case '\n' -> sb.append("\\n");
                    case '\t' -> sb.append("\\t");
                    case '\r' -> sb.append("\\r");
                    case '\\' -> sb.append("\\\\");
                    default -> {
                        if (b < 0x20 || b == 0x7f) {
                            hex(sb, b);
                        } else {
                            sb.append((char) b);
                        }
                    }
                }
                i++;
                continue;
            }
            int len = utf8Length(p, i);
            if (len == 0) {
                hex(sb, b);
                i++;
            } else {
                sb.append(new String(p, i, len, StandardCharsets.UTF_8));
                i += len;
            }
        }
        return sb.toString();
    }

    private static void hex(StringBuilder sb, int b) {
        sb.append("\\x").append(HEX[b >> 4]).append(HEX[b & 15]);
    }

    /** Length of a well-formed UTF-8 sequence starting at {@code i} (no overlongs or surrogates), or 0. */
    private static int utf8Length(byte[] p, int i) {
        int b = Byte.toUnsignedInt(p[i]);
        int len;
        int min;
        if (b >= 0xc2 && b <= 0xdf) {
            len = 2;
            min = 0x80;
        } else if (b >= 0xe0 && b <= 0xef) {
            len = 3;
            min = 0x800;
        } else if (b >= 0xf0 && b <= 0xf4) {
            len = 4;
            min = 0x10000;
        } else {
            return 0;
        }
        if (i + len > p.length) {
            return 0;
        }
        int cp = b & (0xff >> (len + 1));
        for (int k = 1; k < len; k++) {
            int c = Byte.toUnsignedInt(p[i + k]);
            if ((c & 0xc0) != 0x80) {
                return 0;
            }
            cp = cp << 6 | (c & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return 0;
        }
        return len;
    }
}
