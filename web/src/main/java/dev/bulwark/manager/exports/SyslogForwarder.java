package dev.bulwark.manager.exports;

import dev.bulwark.manager.events.EventStore.StoredEvent;
import dev.bulwark.manager.events.EventsStored;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Forwards every newly stored event to a syslog server as RFC 5424 over TCP, or over TLS (RFC 5425,
 * the server's certificate checked against {@code bulwark.syslog.ca-file} or the JVM's trust, and
 * its host name verified), one octet-counted frame per event (RFC 6587), CEF as the message.
 * Events wait in a bounded queue (100,000); when the server is away the oldest wait is kept short by
 * dropping the newest overflow, counted in {@code bulwark.syslog.dropped}; the connection is retried
 * with backoff. Enabled by {@code bulwark.syslog.host}.
 */
@Component
public class SyslogForwarder {
    private static final Logger LOG = LoggerFactory.getLogger(SyslogForwarder.class);
    private static final int LOCAL0 = 16;

    private final String host;
    private final int port;
    private final boolean tls;
    private final String caFile;
    private final String localName;
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(100_000);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running = true;
    private Thread worker;

    public SyslogForwarder(@Value("${bulwark.syslog.host:}") String host, @Value("${bulwark.syslog.port:6514}") int port,
                           @Value("${bulwark.syslog.tls:true}") boolean tls, @Value("${bulwark.syslog.ca-file:}") String caFile,
                           MeterRegistry metrics) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.caFile = caFile;
        String name;
        try {
            name = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            name = "bulwark-manager";
        }
        this.localName = name.replaceAll("[^\\x21-\\x7e]", "").isEmpty() ? "-" : name.replaceAll("[^\\x21-\\x7e]", "");
        metrics.gauge("bulwark.syslog.sent", sent);
        metrics.gauge("bulwark.syslog.dropped", dropped);
        metrics.gauge("bulwark.syslog.queued", queue, BlockingQueue::size);
        if (!host.isBlank()) {
            worker = Thread.ofPlatform().name("bulwark-syslog").daemon(true).start(this::loop);
        }
    }

    public long sent() {
        return sent.get();
    }

    public long dropped() {
        return dropped.get();
    }

    @TransactionalEventListener
    public void stored(EventsStored batch) {
        for (StoredEvent e : batch.events()) {
            if (!queue.offer(frame(e))) {
                dropped.incrementAndGet();
            }
        }
    }

    /** {@code <PRI>1 TIMESTAMP HOST APP PROCID MSGID - MSG}, with PRI from local0 and the event's severity. */
    String frame(StoredEvent e) {
        int sev = switch (e.severity()) {
            case "critical" -> 2;
            case "high" -> 3;
            case "medium" -> 4;
            case "low" -> 5;
            default -> 6;
        };
        return "<" + (LOCAL0 * 8 + sev) + ">1 " + DateTimeFormatter.ISO_INSTANT.format(e.received()) + " " + localName
                + " bulwark-manager - " + msgId(e.module()) + " - " + Cef.of(e);
    }

    private static String msgId(String module) {
        String m = module == null ? "" : module.replaceAll("[^\\x21-\\x7e]", "");
        return m.isEmpty() ? "-" : m.length() > 32 ? m.substring(0, 32) : m;
    }

    private void loop() {
        long backoff = 500;
        List<String> pending = new ArrayList<>();
        while (running) {
            try (Socket s = connect()) {
                OutputStream out = s.getOutputStream();
                LOG.info("forwarding events to syslog {}:{}{}", host, port, tls ? " over TLS" : "");
                backoff = 500;
                while (running) {
                    if (pending.isEmpty()) {
                        String first = queue.poll(1, TimeUnit.SECONDS);
                        if (first == null) {
                            continue;
                        }
                        pending.add(first);
                        queue.drainTo(pending, 999);
                    }
                    StringBuilder sb = new StringBuilder();
                    for (String m : pending) {
                        byte[] b = m.getBytes(StandardCharsets.UTF_8);
                        sb.append(b.length).append(' ').append(m);
                    }
                    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    sent.addAndGet(pending.size());
                    pending.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | GeneralSecurityException e) {
                LOG.warn("syslog {}:{} unavailable ({}); retrying in {} ms; {} events waiting", host, port, e.getMessage(), backoff, queue.size() + pending.size());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(60_000, backoff * 2);
            }
        }
    }

    private Socket connect() throws IOException, GeneralSecurityException {
        if (!tls) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, port), 10_000);
            return s;
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (caFile.isBlank()) {
            tmf.init((KeyStore) null);
        } else {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            try (InputStream in = Files.newInputStream(Path.of(caFile))) {
                int i = 0;
                for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    ks.setCertificateEntry("ca" + i++, (X509Certificate) c);
                }
            }
            tmf.init(ks);
        }
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress(host, port), 10_000);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host we asked for
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        if (worker != null) {
            worker.interrupt();
            worker.join(5_000);
        }
    }
}
