package dev.bulwark.manager.exports;

import java.security.Principal;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Syslog forwarding over HTTP, for administrators: where events go and how it is going; change the destination. */
@RestController
@PreAuthorize("hasRole('ADMIN')")
public class SyslogController {
    private final SyslogForwarder forwarder;
    private final SyslogSettings settings;

    public SyslogController(SyslogForwarder forwarder, SyslogSettings settings) {
        this.forwarder = forwarder;
        this.settings = settings;
    }

    /** {@code host} empty or absent turns forwarding off; {@code tls} defaults to true. */
    public record Change(String host, Integer port, Boolean tls, String caFile) {
    }

    @GetMapping("/api/syslog")
    public SyslogForwarder.Status status() {
        return forwarder.status();
    }

    @PutMapping("/api/syslog")
    public SyslogForwarder.Status change(@RequestBody Change req, Principal who) {
        settings.change(who.getName(), req.host(), req.port() == null ? "6514" : req.port().toString(), req.tls() == null || req.tls(), req.caFile());
        return forwarder.status();
    }
}
