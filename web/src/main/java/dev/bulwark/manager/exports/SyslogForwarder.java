package dev.bulwark.manager.exports;

import dev.bulwark.manager.events.EventStore.StoredEvent;
import dev.bulwark.manager.events.EventsStored;
import dev.bulwark.manager.events.StoredEventsDemand;
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
 * the server's certificate checked against the configured CA file or the JVM's trust, and its host
 * name verified), one octet-counted frame per event (RFC 6587), CEF as the message.
 * Events wait in a bounded queue (100,000); when the server is away the oldest wait is kept short by
 * dropping the newest overflow, counted in {@code bulwark.syslog.dropped}; the connection is retried
 * with backoff. The destination comes from the start options ({@code bulwark.syslog.*}) and can be
 * changed while running ({@link #configure}, by {@link SyslogSettings}): the waiting events are kept
 * and go to the new destination.
 */
@Component
public class SyslogForwarder {
    private static final Logger LOG = LoggerFactory.getLogger(SyslogForwarder.class);
    private static final int LOCAL0 = 16;

    /** Where events go; an empty host means forwarding is off. */
    public record Destination(String host, int port, boolean tls, String caFile) {
        public Destination {
            host = host == null ? "" : host.strip();
            caFile = caFile == null ? "" : caFile.strip();
        }

        public boolean enabled() {
            return !host.isEmpty();
        }

        public static Destination off() {
            return new Destination("", 6514, true, "");
        }
    }

    /** What the console shows: the destination, whether it is connected, the last failure, and the counts. */
    public record Status(Destination destination, boolean connected, String lastError, long sent, long dropped, int queued) {
    }

    private final String localName;
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(100_000);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile Destination destination;
    private volatile boolean connected;
    private volatile String lastError;
    private final StoredEventsDemand demand;
    private Worker worker;

    public SyslogForwarder(@Value("${bulwark.syslog.host:}") String host, @Value("${bulwark.syslog.port:6514}") int port,
                           @Value("${bulwark.syslog.tls:true}") boolean tls, @Value("${bulwark.syslog.ca-file:}") String caFile,
                           MeterRegistry metrics, StoredEventsDemand demand) {
        this.demand = demand;
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
        configure(new Destination(host, port, tls, caFile));
    }

    /** Stops forwarding to the current destination and starts with {@code d} (or stays off); waiting events are kept. */
    public synchronized void configure(Destination d) {
        if (worker != null) {
            worker.stop();
            worker = null;
        }
        destination = d;
        demand.want(d.enabled());
        connected = false;
        lastError = null;
        if (d.enabled()) {
            worker = new Worker(d);
        } else {
            queue.clear(); // nobody to send them to: waiting would only fill the queue
        }
    }

    public Status status() {
        return new Status(destination, connected, lastError, sent.get(), dropped.get(), queue.size());
    }

    public long sent() {
        return sent.get();
    }

    public long dropped() {
        return dropped.get();
    }

    @TransactionalEventListener
    public void stored(EventsStored batch) {
        if (!destination.enabled()) {
            return;
        }
        for (StoredEvent e : batch.events()) {
            if (!queue.offer(frame(e))) {
                dropped.incrementAndGet();
            }
        }
    }

    /** Queues a notice-level test message, so an administrator can see the destination receive something; false when off or full. */
    public boolean sendTest(String actor) {
        if (!destination.enabled()) {
            return false;
        }
        String who = actor.replaceAll("[^\\x20-\\x7e]", "?");
        return queue.offer("<" + (LOCAL0 * 8 + 5) + ">1 " + DateTimeFormatter.ISO_INSTANT.format(java.time.Instant.now()) + " " + localName
                + " bulwark-manager - test - Bulwark syslog forwarding test sent by " + who);
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

    /** One destination's sending thread; a new destination gets a new worker, the old one stops after its current write. */
    private final class Worker {
        private final Destination d;
        private final Thread thread;
        private volatile boolean running = true;

        Worker(Destination d) {
            this.d = d;
            this.thread = Thread.ofPlatform().name("bulwark-syslog").daemon(true).start(this::loop);
        }

        void stop() {
            running = false;
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void loop() {
            long backoff = 500;
            List<String> pending = new ArrayList<>();
            while (running) {
                try (Socket s = connect(d)) {
                    OutputStream out = s.getOutputStream();
                    LOG.info("forwarding events to syslog {}:{}{}", d.host(), d.port(), d.tls() ? " over TLS" : "");
                    connected = true;
                    lastError = null;
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
                    requeue(pending);
                    Thread.currentThread().interrupt();
                    return;
                } catch (IOException | GeneralSecurityException e) {
                    connected = false;
                    if (!running) {
                        requeue(pending);
                        return;
                    }
                    lastError = java.time.Instant.now() + ": " + e.getMessage();
                    LOG.warn("syslog {}:{} unavailable ({}); retrying in {} ms; {} events waiting", d.host(), d.port(), e.getMessage(), backoff, queue.size() + pending.size());
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException ie) {
                        requeue(pending);
                        Thread.currentThread().interrupt();
                        return;
                    }
                    backoff = Math.min(60_000, backoff * 2);
                }
            }
        }

        /** Events taken from the queue but not written go back, for the next destination. */
        private void requeue(List<String> pending) {
            for (String m : pending) {
                if (!queue.offer(m)) {
                    dropped.incrementAndGet();
                }
            }
            pending.clear();
        }
    }

    /** Opens a connection as {@code d} says: plain TCP, or TLS checked against its CA file (or the JVM's trust) with the host name verified. */
    static Socket connect(Destination d) throws IOException, GeneralSecurityException {
        if (!d.tls()) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(d.host(), d.port()), 10_000);
            return s;
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (d.caFile().isBlank()) {
            tmf.init((KeyStore) null);
        } else {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            try (InputStream in = Files.newInputStream(Path.of(d.caFile()))) {
                int i = 0;
                for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    ks.setCertificateEntry("ca" + i++, (X509Certificate) c);
                }
            }
            tmf.init(ks);
        }
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress(d.host(), d.port()), 10_000);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host we asked for
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    @PreDestroy
    synchronized void stop() {
        if (worker != null) {
            worker.stop();
            worker = null;
        }
    }
}
