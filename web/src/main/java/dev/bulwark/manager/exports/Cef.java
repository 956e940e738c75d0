package dev.bulwark.manager.exports;

import dev.bulwark.manager.audit.AuditEntry;
import dev.bulwark.manager.events.EventStore.StoredEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ArcSight Common Event Format, version 0: {@code CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|Extension}.
 * Header fields escape {@code \} and {@code |}; extension values escape {@code \}, {@code =} and line
 * breaks, so no event text can forge a field. Severity 0-10 from Bulwark's five levels.
 */
public final class Cef {
    private Cef() {
    }

    static int severity(String s) {
        return switch (s == null ? "" : s) {
            case "critical" -> 10;
            case "high" -> 8;
            case "medium" -> 5;
            case "low" -> 3;
            default -> 1;
        };
    }

    static String header(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    static String value(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("=", "\\=").replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String line(String signature, String name, int severity, Map<String, String> ext) {
        StringBuilder sb = new StringBuilder("CEF:0|Bulwark|Bulwark Manager|0.1.0|").append(header(signature)).append('|')
                .append(header(name)).append('|').append(severity).append('|');
        boolean first = true;
        for (Map.Entry<String, String> e : ext.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            sb.append(first ? "" : " ").append(e.getKey()).append('=').append(value(e.getValue()));
            first = false;
        }
        return sb.toString();
    }

    public static String of(StoredEvent e) {
        Map<String, String> x = new LinkedHashMap<>();
        x.put("rt", Long.toString(e.time().toEpochMilli()));
        x.put("dvchost", e.hostname());
        x.put("deviceExternalId", e.agentId());
        x.put("cat", e.module());
        x.put("cs1Label", "stream");
        x.put("cs1", e.stream());
        x.put("cn1Label", "seq");
        x.put("cn1", Long.toString(e.seq()));
        x.put("cs2Label", "kind");
        x.put("cs2", e.kind());
        x.put("msg", e.summary());
        if (e.id() > 0) {
            x.put("externalId", Long.toString(e.id()));
        }
        String signature = e.ruleId() != null ? e.ruleId() : e.kind();
        return line(signature, e.summary().isEmpty() ? e.kind() : e.summary(), severity(e.severity()), x);
    }

    public static String of(AuditEntry a) {
        Map<String, String> x = new LinkedHashMap<>();
        x.put("rt", Long.toString(a.at().toEpochMilli()));
        x.put("suser", a.actor());
        x.put("act", a.action());
        x.put("msg", a.target());
        x.put("cs1Label", "before");
        x.put("cs1", a.before());
        x.put("cs2Label", "after");
        x.put("cs2", a.after());
        x.put("cs3Label", "hash");
        x.put("cs3", a.hash());
        x.put("cn1Label", "auditSeq");
        x.put("cn1", Long.toString(a.seq()));
        return line("audit:" + a.action(), a.action() + " " + a.target(), 3, x);
    }
}
