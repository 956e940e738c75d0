package dev.bulwark.engine.helper;

/**
 * IPv4 and IPv6 CIDR membership: {@code Cidr.contains("10.0.0.0/8", $e.srcIp())}. Addresses are
 * parsed by hand (never {@code InetAddress}, which would resolve host names over the network).
 */
public final class Cidr {

    private record Block(byte[] network, int prefix) {
    }

    private static final Block INVALID = new Block(new byte[0], -1);
    private static final BoundedCache<String, Block> BLOCKS = new BoundedCache<>(4096);

    private Cidr() {
    }

    /** True when {@code address} lies in {@code cidr} ({@code a.b.c.d/n}, {@code x::/n}, or a bare address). */
    public static boolean contains(String cidr, String address) {
        if (cidr == null || address == null) {
            return false;
        }
        Block block = BLOCKS.get(cidr, Cidr::parseBlock);
        byte[] addr = parseAddress(address.trim());
        if (block == INVALID || addr == null || addr.length != block.network.length) {
            return false;
        }
        int full = block.prefix / 8;
        for (int i = 0; i < full; i++) {
            if (addr[i] != block.network[i]) {
                return false;
            }
        }
        int rest = block.prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (addr[full] & mask) == (block.network[full] & mask);
    }

    /** True for RFC 1918, loopback, link-local and unique-local addresses. */
    public static boolean isPrivate(String address) {
        for (String net : new String[] {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "::1/128", "fc00::/7", "fe80::/10"}) {
            if (contains(net, address)) {
                return true;
            }
        }
        return false;
    }

    /** True when {@code text} is a syntactically valid IPv4 or IPv6 address. */
    public static boolean isAddress(String text) {
        return text != null && parseAddress(text.trim()) != null;
    }

    private static Block parseBlock(String cidr) {
        String s = cidr.trim();
        int slash = s.indexOf('/');
        byte[] net = parseAddress(slash < 0 ? s : s.substring(0, slash));
        if (net == null) {
            return INVALID;
        }
        int prefix = net.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                return INVALID;
            }
            if (prefix < 0 || prefix > net.length * 8) {
                return INVALID;
            }
        }
        return new Block(net, prefix);
    }

    static byte[] parseAddress(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        return s.indexOf(':') >= 0 ? parseV6(s) : parseV4(s);
    }

    /** Dotted quad, one pass, no allocation but the result (called for every decoded address). */
    private static byte[] parseV4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            } else if (c == '.' && digits > 0 && part < 3) {
                out[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                return null;
            }
        }
        if (part != 3 || digits == 0) {
            return null;
        }
        out[3] = (byte) value;
        return out;
    }

    private static byte[] parseV6(String s) {
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        byte[] tail4 = null;
        int lastColon = s.lastIndexOf(':');
        if (s.indexOf('.', lastColon) >= 0) {
            tail4 = parseV4(s.substring(lastColon + 1));
            if (tail4 == null) {
                return null;
            }
            s = s.substring(0, lastColon + 1) + "0:0";
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        String[] head = dbl < 0 ? s.split(":", -1) : (dbl == 0 ? new String[0] : s.substring(0, dbl).split(":", -1));
        String[] tail = dbl < 0 ? new String[0] : (dbl + 2 >= s.length() ? new String[0] : s.substring(dbl + 2).split(":", -1));
        if (dbl < 0 && head.length != 8 || head.length + tail.length > (dbl < 0 ? 8 : 7)) {
            return null;
        }
        int[] groups = new int[8];
        if (!fill(head, groups, 0) || !fill(tail, groups, 8 - tail.length)) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (groups[i] >> 8);
            out[2 * i + 1] = (byte) groups[i];
        }
        if (tail4 != null) {
            System.arraycopy(tail4, 0, out, 12, 4);
        }
        return out;
    }

    private static boolean fill(String[] parts, int[] groups, int start) {
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 4) {
                return false;
            }
            try {
                groups[start + i] = Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }
}
