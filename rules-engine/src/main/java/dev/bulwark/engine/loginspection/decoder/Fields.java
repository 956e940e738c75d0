package dev.bulwark.engine.loginspection.decoder;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a message decoder fills in; becomes the typed part of a LogEvent. Single use, not shared. */
public final class Fields {
    String action;
    String status;
    String srcIp;
    Integer srcPort;
    String dstIp;
    Integer dstPort;
    String user;
    String url;
    String id;
    final Map<String, String> extra = new LinkedHashMap<>();

    public Fields action(String a) {
        this.action = a;
        return this;
    }

    public Fields status(String s) {
        this.status = s;
        return this;
    }

    public Fields user(String u) {
        this.user = u;
        return this;
    }

    /** Sets the source: an IP address goes to srcIp; a host name to extra "srcHost". */
    public Fields source(String hostOrIp) {
        if (hostOrIp == null || hostOrIp.isEmpty()) {
            return this;
        }
        String h = hostOrIp;
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (dev.bulwark.engine.helper.Cidr.isAddress(h)) {
            srcIp = h;
        } else {
            extra.put("srcHost", h);
        }
        return this;
    }

    public Fields srcPort(String p) {
        this.srcPort = Numbers.port(p);
        return this;
    }

    public Fields put(String key, String value) {
        if (value != null) {
            extra.put(key, value);
        }
        return this;
    }
}
