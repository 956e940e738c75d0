package dev.bulwark.manager.exports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.audit.AuditLog;
import dev.bulwark.manager.exports.SyslogForwarder.Destination;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The syslog destination as administrators set it while the manager runs: checked (host name or
 * address, port, a CA file that holds certificates), stored in {@code manager_setting}, audited
 * with the before and after, and handed to the {@link SyslogForwarder}. Once one is saved it wins
 * over the start options at every start; until then the start options apply.
 */
@Service
public class SyslogSettings {
    private static final Logger LOG = LoggerFactory.getLogger(SyslogSettings.class);
    static final String NAME = "syslog";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\\.?|[0-9A-Fa-f:.]{2,45}");

    private final SyslogForwarder forwarder;
    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final Clock clock;

    public SyslogSettings(SyslogForwarder forwarder, JdbcTemplate jdbc, AuditLog audit, Clock clock) {
        this.forwarder = forwarder;
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    /** Where the destination in force was set: by whom and when, or the start options. */
    public record Origin(String by, Instant at) {
        public boolean startOptions() {
            return by == null;
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    public void applyStored() {
        stored().ifPresent(d -> {
            LOG.info("syslog forwarding as saved in the console: {}", d.enabled() ? d.host() + ":" + d.port() : "off");
            forwarder.configure(d);
        });
    }

    /** The saved row, if an administrator ever saved one. */
    private java.util.Optional<Map<String, Object>> row() {
        List<Map<String, Object>> rows = jdbc.queryForList("select setting_value, updated_by, updated_at from manager_setting where name = ?", NAME);
        return rows.stream().findFirst();
    }

    java.util.Optional<Destination> stored() {
        return row().map(r -> {
            try {
                JsonNode n = JSON.readTree((String) r.get("setting_value"));
                return new Destination(n.path("host").asText(""), n.path("port").asInt(6514), n.path("tls").asBoolean(true), n.path("caFile").asText(""));
            } catch (IOException e) {
                throw new IllegalStateException("the stored syslog setting is not JSON: " + e.getMessage(), e);
            }
        });
    }

    public Origin origin() {
        return row().map(r -> {
            Object at = r.get("updated_at");
            Instant when = at instanceof Timestamp t ? t.toInstant() : at instanceof java.time.OffsetDateTime o ? o.toInstant() : null;
            return new Origin((String) r.get("updated_by"), when);
        }).orElse(new Origin(null, null));
    }

    /**
     * Checks and saves a destination ({@code host} empty turns forwarding off), then forwards there;
     * a bad field is refused naming it, and the destination in force is left as it was.
     */
    @Transactional
    public Destination change(String actor, String host, String port, boolean tls, String caFile) {
        String h = host == null ? "" : host.strip();
        Destination d;
        if (h.isEmpty()) {
            d = Destination.off();
        } else {
            if (h.length() > 253 || !HOST.matcher(h).matches()) {
                throw ApiException.badRequest("bad-host", "host", "a host name or an IP address, without a port or a scheme");
            }
            int p;
            try {
                p = Integer.parseInt(port == null ? "" : port.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("bad-port", "port", "a port from 1 to 65535");
            }
            if (p < 1 || p > 65535) {
                throw ApiException.badRequest("bad-port", "port", "a port from 1 to 65535");
            }
            String ca = caFile == null ? "" : caFile.strip();
            if (!ca.isEmpty()) {
                if (!tls) {
                    throw ApiException.badRequest("bad-ca-file", "caFile", "a CA file only applies to TLS; turn TLS on or leave it empty");
                }
                checkCaFile(ca);
            }
            d = new Destination(h, p, tls, ca);
        }
        Destination before = forwarder.status().destination();
        String value = render(d);
        int updated = jdbc.update("update manager_setting set setting_value = ?, updated_by = ?, updated_at = ? where name = ?",
                value, actor, Timestamp.from(clock.instant()), NAME);
        if (updated == 0) {
            jdbc.update("insert into manager_setting (name, setting_value, updated_by, updated_at) values (?, ?, ?, ?)",
                    NAME, value, actor, Timestamp.from(clock.instant()));
        }
        audit.record(actor, "syslog.configure", "manager/syslog", render(before), value);
        forwarder.configure(d);
        return d;
    }

    private static void checkCaFile(String ca) {
        Path p = Path.of(ca);
        if (!p.isAbsolute() || ca.length() > 4096 || ca.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("bad-ca-file", "caFile", "an absolute path on the manager's machine");
        }
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw ApiException.badRequest("bad-ca-file", "caFile", "the manager cannot read " + ca + ": put the CA certificates (PEM) there first");
        }
        try (InputStream in = Files.newInputStream(p)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw ApiException.badRequest("bad-ca-file", "caFile", ca + " holds no certificate; it should hold the CA certificates in PEM");
            }
        } catch (IOException | CertificateException e) {
            throw ApiException.badRequest("bad-ca-file", "caFile", ca + " is not PEM certificates: " + e.getMessage());
        }
    }

    static String render(Destination d) {
        return JSON.createObjectNode().put("host", d.host()).put("port", d.port()).put("tls", d.tls()).put("caFile", d.caFile()).toString();
    }
}
