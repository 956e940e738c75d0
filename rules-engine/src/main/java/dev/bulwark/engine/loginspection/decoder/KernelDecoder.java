package dev.bulwark.engine.loginspection.decoder;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kernel messages. Packet-filter log lines (iptables/nftables {@code LOG}, UFW) become
 * {@code firewall-packet} with the addresses, ports and protocol decoded and the log prefix in
 * {@code extra.prefix} (e.g. {@code [UFW BLOCK]}); USB and segfault lines become {@code usb-device} and
 * {@code segfault}.
 */
final class KernelDecoder implements MessageDecoder {

    private static final Pattern UPTIME = Pattern.compile("^\\[\\s*\\d+\\.\\d+\\]\\s*");
    private static final Pattern KV = Pattern.compile("([A-Z]+)=(\\S*)");
    private static final Pattern SEGFAULT = Pattern.compile("^(\\S+?)\\[(\\d+)\\]: segfault at (\\S+)");
    private static final Pattern USB = Pattern.compile("^usb \\S+: New USB device found, idVendor=(\\w+), idProduct=(\\w+)");

    @Override
    public String name() {
        return "kernel";
    }

    @Override
    public boolean decode(String message, Fields f) {
        String msg = UPTIME.matcher(message).replaceFirst("");
        int in = msg.indexOf("IN=");
        if (in >= 0 && msg.contains(" SRC=") && msg.contains(" DST=")) {
            f.action("firewall-packet").put("prefix", msg.substring(0, in).trim().isEmpty() ? null : msg.substring(0, in).trim());
            Matcher m = KV.matcher(msg.substring(in));
            while (m.find()) {
                String v = m.group(2);
                switch (m.group(1)) {
                    case "SRC" -> f.source(v);
                    case "DST" -> f.dstIp = dev.bulwark.engine.helper.Cidr.isAddress(v) ? v : null;
                    case "SPT" -> f.srcPort = Numbers.port(v);
                    case "DPT" -> f.dstPort = Numbers.port(v);
                    case "PROTO" -> f.put("proto", v);
                    case "IN" -> f.put("in", v.isEmpty() ? null : v);
                    case "OUT" -> f.put("out", v.isEmpty() ? null : v);
                    default -> {
                        // other header fields (LEN, TTL, ID, ...) are not kept
                    }
                }
            }
            String prefix = f.extra.getOrDefault("prefix", "");
            f.status(prefix.contains("BLOCK") || prefix.contains("DROP") || prefix.contains("REJECT") ? "blocked" : null);
            return true;
        }
        Matcher seg = SEGFAULT.matcher(msg);
        if (seg.find()) {
            f.action("segfault").put("process", seg.group(1)).put("pid", seg.group(2)).put("address", seg.group(3));
            return true;
        }
        Matcher usb = USB.matcher(msg);
        if (usb.find()) {
            f.action("usb-device").put("vendor", usb.group(1)).put("product", usb.group(2));
            return true;
        }
        return false;
    }
}
