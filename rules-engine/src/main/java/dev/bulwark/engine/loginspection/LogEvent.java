package dev.bulwark.engine.loginspection;

import java.util.Map;
import org.kie.api.definition.type.Expires;
import org.kie.api.definition.type.Role;
import org.kie.api.definition.type.Timestamp;

/**
 * One decoded log line. A CEP event: correlation rules use sliding windows over it.
 * Events expire ten minutes after their timestamp unless a rule's window needs them longer
 * ({@code TIME_SOFT}), so a long-lived session never holds yesterday's lines.
 *
 * @param timestamp epoch milliseconds of the line (the syslog time, not the time it was read)
 * @param decoder   the decoder that produced the fields ({@code sshd}, {@code sudo}, ...)
 * @param action    normalised action ({@code failed-password}, {@code invalid-user}, ...)
 * @param extra     decoded fields without a typed slot
 * @param raw       the line as read, for the report
 */
@Role(Role.Type.EVENT)
@Timestamp("timestamp")
@Expires(value = "10m", policy = Expires.Policy.TIME_SOFT)
public record LogEvent(long timestamp, String host, String program, Integer pid, String decoder,
                       String action, String status, String srcIp, Integer srcPort, String dstIp,
                       Integer dstPort, String user, String url, String id, Map<String, String> extra,
                       String raw) {
    public LogEvent {
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }
}
