package dev.bulwark.manager.audit;

import dev.bulwark.agent.protocol.RequestSignature;
import dev.bulwark.agent.store.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Appends audit entries and verifies the chain. Each entry's hash covers the previous entry's hash
 * and every field of its own, so editing an entry breaks its hash, and removing or reordering one
 * breaks the chain or the numbering. Removing entries at the end leaves a shorter, valid chain: the
 * head (number and hash of the newest entry) is therefore also written outside the database, to
 * {@code DATA/audit-head}, after each commit, and verification compares the two.
 */
@Service
public class AuditLog {

    public static final String GENESIS = "0".repeat(64);

    private final AuditEntryRepository entries;
    private final Clock clock;
    private final Path headFile;

    public AuditLog(AuditEntryRepository entries, Clock clock, @Value("${bulwark.data-dir}") Path dataDir) {
        this.entries = entries;
        this.clock = clock;
        this.headFile = dataDir.resolve("audit-head");
    }

    /**
     * Records a change inside the caller's transaction (it commits or rolls back with the change).
     * Appends are serialised in this manager; two managers sharing a database collide on the entry
     * number and the loser's transaction fails and is retried by its caller.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public synchronized AuditEntry record(String actor, String action, String target, String before, String after) {
        AuditEntry last = entries.findTopByOrderBySeqDesc().orElse(null);
        long seq = last == null ? 1 : last.seq() + 1;
        String prev = last == null ? GENESIS : last.hash();
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String hash = hash(seq, at, actor, action, target, before, after, prev);
        AuditEntry e = entries.save(new AuditEntry(seq, at, actor, action, target, before, after, prev, hash));
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    writeHead(seq, hash);
                }
            });
        }
        return e;
    }

    static String hash(long seq, Instant at, String actor, String action, String target, String before, String after, String prev) {
        StringBuilder sb = new StringBuilder("bulwark-audit-v1");
        for (String field : new String[] {Long.toString(seq), at.toString(), actor, action, target, before, after, prev}) {
            // length-prefixed, so no choice of field contents can imitate another split
            String f = field == null ? "\u0000null" : field;
            sb.append('\n').append(f.length()).append(':').append(f);
        }
        return RequestSignature.sha256Hex(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private synchronized void writeHead(long seq, String hash) {
        try {
            long known = readHead().seq();
            if (seq > known) {
                AtomicFiles.write(headFile, (seq + " " + hash + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit head " + headFile, e);
        }
    }

    record Head(long seq, String hash) {
    }

    Head readHead() throws IOException {
        if (!Files.exists(headFile)) {
            return new Head(0, GENESIS);
        }
        String[] parts = Files.readString(headFile, StandardCharsets.US_ASCII).trim().split(" ");
        try {
            return new Head(Long.parseLong(parts[0]), parts.length > 1 ? parts[1] : "");
        } catch (NumberFormatException e) {
            throw new IOException(headFile + " is damaged: " + e.getMessage());
        }
    }

    /** The outcome of a verification: entries checked and every problem found, by entry number. */
    public record Verification(long entries, long headSeq, List<String> problems) {
        public boolean intact() {
            return problems.isEmpty();
        }
    }

    /** Walks the whole chain in order, in pages. */
    @Transactional(readOnly = true)
    public Verification verify() {
        List<String> problems = new ArrayList<>();
        String prev = GENESIS;
        long expected = 1;
        long count = 0;
        long after = 0;
        while (true) {
            List<AuditEntry> page = entries.findBySeqGreaterThanOrderBySeqAsc(after, PageRequest.of(0, 1000));
            if (page.isEmpty()) {
                break;
            }
            for (AuditEntry e : page) {
                if (e.seq() != expected) {
                    problems.add("entries " + expected + " to " + (e.seq() - 1) + " are missing");
                }
                if (!e.prevHash().equals(prev)) {
                    problems.add("entry " + e.seq() + " does not follow the entry before it (its previous hash differs)");
                }
                String h = hash(e.seq(), e.at(), e.actor(), e.action(), e.target(), e.before(), e.after(), e.prevHash());
                if (!h.equals(e.hash())) {
                    problems.add("entry " + e.seq() + " was altered (its contents no longer give its hash)");
                }
                prev = e.hash();
                expected = e.seq() + 1;
                count++;
                after = e.seq();
            }
        }
        try {
            Head head = readHead();
            if (head.seq() > after) {
                problems.add("entries " + (after + 1) + " to " + head.seq() + " are missing at the end (the recorded head is " + head.seq() + ")");
            } else if (head.seq() > 0) {
                AuditEntry atHead = entries.findById(head.seq()).orElse(null);
                if (atHead != null && !atHead.hash().equals(head.hash())) {
                    problems.add("entry " + head.seq() + " differs from the recorded head");
                }
            }
        } catch (IOException e) {
            problems.add(e.getMessage());
        }
        return new Verification(count, after, problems);
    }

    public List<AuditEntry> newest(int limit) {
        return entries.findAllByOrderBySeqDesc(PageRequest.of(0, Math.max(1, Math.min(limit, 1000))));
    }
}
