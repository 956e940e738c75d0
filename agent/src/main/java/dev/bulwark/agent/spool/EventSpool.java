package dev.bulwark.agent.spool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.protocol.Messages.SpooledEvent;
import dev.bulwark.agent.protocol.ProtocolLimits;
import dev.bulwark.agent.report.EventSink;
import dev.bulwark.agent.store.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Events on their way to the manager, on disk:
 * <pre>
 *   seg-00000000000000000001.jsonl   events numbered from 1, one JSON object per line:
 *                                    {"seq":1,"time":"...","severity":"high","event":{...}}
 *   seg-00000000000000004711.jsonl   the next segment (a segment's name is a lower bound of its numbers)
 *   acked                            the highest number the manager has acknowledged
 *   dropped.json                     events lost to a full spool, by severity, since the spool was made
 * </pre>
 * Every append is forced to disk before it returns; on open, a line torn by a crash is cut. Numbers
 * are never reused, so the manager's (agent, number) key makes a retry harmless. When the spool would
 * pass its size, older segments lose first their info and low events, then medium ones, then whole
 * segments, oldest first; the segment being written is never touched. Each loss is counted, kept in
 * {@code dropped.json}, and reported by a {@code spool-loss} event of its own.
 *
 * <p>One spool per producing module (a stream: {@code logs}, {@code integrity}, ...), so that a
 * module's {@link #truncateTo} after a crash touches only its own uncommitted events. Only committed
 * events are handed to the uploader ({@link #pending}).
 */
public final class EventSpool implements EventSink {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SEGMENT_PREFIX = "seg-";
    private static final String SEGMENT_SUFFIX = ".jsonl";
    private static final List<String> SEVERITIES = List.of("info", "low", "medium", "high", "critical");

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final Clock clock;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** first-number lower bound -> segment file, oldest first */
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private final Map<String, Long> dropped = new LinkedHashMap<>();
    private FileChannel active;
    private long activeFirst;
    private long lastSeq;
    private long acked;
    /** events up to here may be sent: their producer has saved its position */
    private long committed;
    private long totalBytes;
    private long appended;
    /** where the last read stopped: the next read continues there when nothing moved in between */
    private Path cursorSegment;
    private long cursorOffset;
    private long cursorSeq = -1;

    private EventSpool(Path dir, long maxBytes, long segmentBytes, Clock clock) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.clock = clock;
        Files.createDirectories(dir);
        this.lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            lockChannel.close();
            throw new SpoolException("the event spool " + dir + " is in use by another agent process; stop it first (one agent per state folder)");
        }
        this.lock = l;
    }

    /**
     * Opens (or creates) the spool in {@code dir}. {@code maxBytes} bounds its size on disk; segments
     * roll at a sixteenth of it (at least 64 KiB), so eviction always has older segments to take from.
     */
    public static EventSpool open(Path dir, long maxBytes, Clock clock) throws IOException {
        if (maxBytes < 1024 * 1024) {
            throw new SpoolException("spool size " + maxBytes + " bytes is too small; give at least 1 MiB");
        }
        EventSpool s = new EventSpool(dir, maxBytes, Math.max(64 * 1024, maxBytes / 16), clock);
        try {
            s.load();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void load() throws IOException {
        Path ackFile = dir.resolve("acked");
        if (Files.exists(ackFile)) {
            String t = Files.readString(ackFile, StandardCharsets.US_ASCII).trim();
            try {
                acked = Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new SpoolException(ackFile + " holds '" + t + "', not a number; delete the spool folder " + dir
                        + " to start again (events in it would then be resent or lost)");
            }
        }
        Path dropFile = dir.resolve("dropped.json");
        if (Files.exists(dropFile)) {
            JsonNode n = JSON.readTree(dropFile.toFile());
            n.properties().forEach(e -> dropped.put(e.getKey(), e.getValue().asLong()));
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(SEGMENT_PREFIX) && name.endsWith(SEGMENT_SUFFIX)) {
                    String digits = name.substring(SEGMENT_PREFIX.length(), name.length() - SEGMENT_SUFFIX.length());
                    try {
                        segments.put(Long.parseLong(digits), p);
                    } catch (NumberFormatException e) {
                        throw new SpoolException("unexpected file " + p + " in the spool folder; move it away");
                    }
                } else if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(p); // a rewrite cut short by a crash; the original is intact
                }
            }
        }
        for (Path p : segments.values()) {
            totalBytes += Files.size(p);
        }
        lastSeq = acked;
        if (!segments.isEmpty()) {
            Map.Entry<Long, Path> last = segments.lastEntry();
            long keep = validPrefix(last.getValue());
            long size = Files.size(last.getValue());
            if (keep < size) {
                try (FileChannel ch = FileChannel.open(last.getValue(), StandardOpenOption.WRITE)) {
                    ch.truncate(keep);
                    ch.force(true);
                }
                totalBytes -= size - keep;
            }
            lastSeq = Math.max(lastSeq, lastSeqOf(last.getValue(), last.getKey() - 1));
            active = FileChannel.open(last.getValue(), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            activeFirst = last.getKey();
        }
        committed = lastSeq; // a producer with its own position lowers this through truncateTo before sending starts
    }

    /** Length of the longest prefix of whole, parseable lines (a crash can leave half a line at the end). */
    private static long validPrefix(Path segment) throws IOException {
        byte[] all = Files.readAllBytes(segment);
        long good = 0;
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                try {
                    JsonNode n = JSON.readTree(all, start, i - start);
                    if (n == null || !n.path("seq").canConvertToLong()) {
                        break;
                    }
                } catch (IOException e) {
                    break;
                }
                good = i + 1;
                start = i + 1;
            }
        }
        return good;
    }

    private static long lastSeqOf(Path segment, long fallback) throws IOException {
        long last = fallback;
        try (BufferedReader r = Files.newBufferedReader(segment, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                last = JSON.readTree(line).path("seq").asLong(last);
            }
        }
        return last;
    }

    /** The severity the spool files an agent result under: its own, or for decisions and failures a fixed one. */
    static String severityOf(ObjectNode event) {
        String s = event.path("severity").asText("").toLowerCase(Locale.ROOT);
        if (SEVERITIES.contains(s)) {
            return s;
        }
        return switch (event.path("kind").asText("")) {
            case "verdict", "spool-loss" -> "high";
            case "rule-failure" -> "medium";
            default -> "info";
        };
    }

    /**
     * Numbers, stores and forces the events to disk; returns the numbers given. An event larger than
     * {@link ProtocolLimits#MAX_EVENT_BYTES} is kept as its summary (kind, rule, module, severity,
     * message cut to 4 KiB) with {@code "truncated": true}.
     */
    @Override
    public void append(List<ObjectNode> events) throws IOException {
        appendNumbered(events);
    }

    /** {@link #append} and commit in one step, for producers without a read position of their own. */
    public synchronized List<Long> appendCommitted(List<ObjectNode> events) throws IOException {
        List<Long> seqs = appendNumbered(events);
        committed = lastSeq;
        return seqs;
    }

    public synchronized List<Long> appendNumbered(List<ObjectNode> events) throws IOException {
        if (events.isEmpty()) {
            return List.of();
        }
        List<byte[]> lines = new ArrayList<>(events.size());
        List<Long> seqs = new ArrayList<>(events.size());
        long bytes = 0;
        String now = clock.instant().toString();
        for (ObjectNode e : events) {
            ObjectNode line = JSON.createObjectNode();
            long seq = lastSeq + 1 + lines.size();
            line.put("seq", seq);
            line.put("time", now);
            line.put("severity", severityOf(e));
            line.set("event", bounded(e));
            byte[] b = (line.toString() + "\n").getBytes(StandardCharsets.UTF_8);
            lines.add(b);
            seqs.add(seq);
            bytes += b.length;
        }
        if (totalBytes + bytes > maxBytes) {
            makeRoom(bytes);
        }
        for (byte[] b : lines) {
            if (active == null || active.size() >= segmentBytes) {
                roll(lastSeq + 1);
            }
            ByteBuffer buf = ByteBuffer.wrap(b);
            while (buf.hasRemaining()) {
                active.write(buf);
            }
            lastSeq++;
            totalBytes += b.length;
        }
        active.force(false);
        appended += lines.size();
        return seqs;
    }

    private static ObjectNode bounded(ObjectNode e) {
        if (e.toString().length() <= ProtocolLimits.MAX_EVENT_BYTES / 4) {
            return e; // cheap check first: chars * 4 bounds the UTF-8 size
        }
        if (e.toString().getBytes(StandardCharsets.UTF_8).length <= ProtocolLimits.MAX_EVENT_BYTES) {
            return e;
        }
        ObjectNode cut = JSON.createObjectNode();
        for (String f : List.of("kind", "ruleId", "module", "severity", "action")) {
            if (e.hasNonNull(f)) {
                cut.put(f, e.get(f).asText());
            }
        }
        String msg = e.path("message").asText(e.path("reason").asText(""));
        cut.put("message", msg.length() > 4096 ? msg.substring(0, 4096) : msg);
        cut.put("truncated", true);
        return cut;
    }

    private void roll(long firstSeq) throws IOException {
        if (active != null) {
            active.force(true);
            active.close();
        }
        Path p = dir.resolve(String.format(Locale.ROOT, "%s%020d%s", SEGMENT_PREFIX, firstSeq, SEGMENT_SUFFIX));
        active = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        activeFirst = firstSeq;
        segments.put(firstSeq, p);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** Frees room for {@code incoming} bytes: low severities of old segments first, then whole old segments. */
    private void makeRoom(long incoming) throws IOException {
        long target = maxBytes - maxBytes / 10 - incoming;
        Map<String, Long> lost = new LinkedHashMap<>();
        for (int upTo = 1; upTo <= 2 && totalBytes > target; upTo++) { // info+low, then medium
            for (Map.Entry<Long, Path> seg : List.copyOf(segments.entrySet())) {
                if (totalBytes <= target) {
                    break;
                }
                if (seg.getKey() != activeFirst) {
                    rewriteWithout(seg.getValue(), SEVERITIES.subList(0, upTo + 1), lost);
                }
            }
        }
        while (totalBytes > target && segments.size() > 1) {
            Map.Entry<Long, Path> oldest = segments.firstEntry();
            if (oldest.getKey() == activeFirst) {
                break;
            }
            countUnacked(oldest.getValue(), lost);
            totalBytes -= Files.size(oldest.getValue());
            Files.delete(oldest.getValue());
            segments.remove(oldest.getKey());
        }
        cursorSeq = -1;
        if (!lost.isEmpty()) {
            long total = 0;
            for (Map.Entry<String, Long> e : lost.entrySet()) {
                dropped.merge(e.getKey(), e.getValue(), Long::sum);
                total += e.getValue();
            }
            AtomicFiles.write(dir.resolve("dropped.json"), JSON.writeValueAsBytes(dropped));
            ObjectNode loss = JSON.createObjectNode();
            loss.put("kind", "spool-loss");
            loss.put("module", "agent");
            loss.put("severity", "high");
            loss.put("message", "the event spool reached " + maxBytes + " bytes while the manager was not taking events: "
                    + total + " older events were dropped " + lost);
            loss.set("dropped", JSON.valueToTree(lost));
            // written directly (not through append) so that making room never recurses
            byte[] line = (JSON.createObjectNode().put("seq", lastSeq + 1).put("time", clock.instant().toString())
                    .put("severity", "high").set("event", loss).toString() + "\n").getBytes(StandardCharsets.UTF_8);
            if (active == null) {
                roll(lastSeq + 1);
            }
            active.write(ByteBuffer.wrap(line));
            lastSeq++;
            totalBytes += line.length;
            if (committed == lastSeq - 1) {
                committed = lastSeq; // the loss report follows everything already committed
            }
        }
    }

    private void rewriteWithout(Path segment, List<String> severities, Map<String, Long> lost) throws IOException {
        rewrite(segment, n -> {
            if (n.path("seq").asLong() <= acked) {
                return false; // acknowledged already: nothing is lost by leaving it out
            }
            String sev = n.path("severity").asText("info");
            if (severities.contains(sev)) {
                lost.merge(sev, 1L, Long::sum);
                return false;
            }
            return true;
        });
    }

    /** Rewrites a segment with only the lines {@code keep} accepts (atomically: a crash leaves the old one). */
    private void rewrite(Path segment, java.util.function.Predicate<JsonNode> keep) throws IOException {
        Path tmp = segment.resolveSibling(segment.getFileName() + ".tmp");
        boolean changed = false;
        try (BufferedReader r = Files.newBufferedReader(segment, StandardCharsets.UTF_8);
             FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (keep.test(JSON.readTree(line))) {
                    out.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
                } else {
                    changed = true;
                }
            }
            out.force(true);
        }
        if (!changed) {
            Files.delete(tmp);
            return;
        }
        boolean wasActive = segments.get(activeFirst) != null && segments.get(activeFirst).equals(segment) && active != null;
        if (wasActive) {
            active.close();
            active = null;
        }
        long before = Files.size(segment);
        AtomicFiles.publish(tmp, segment);
        totalBytes -= before - Files.size(segment);
        if (wasActive) {
            active = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
    }

    private void countUnacked(Path segment, Map<String, Long> lost) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(segment, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                JsonNode n = JSON.readTree(line);
                if (n.path("seq").asLong() > acked) {
                    lost.merge(n.path("severity").asText("info"), 1L, Long::sum);
                }
            }
        }
    }

    /**
     * The oldest events the manager has not acknowledged, at most {@code maxEvents} and about
     * {@code maxBytes} of JSON (always at least one event when one is waiting).
     */
    public synchronized List<SpooledEvent> pending(int maxEvents, long maxBytes) throws IOException {
        List<SpooledEvent> out = new ArrayList<>();
        for (String line : pendingLines(maxEvents, maxBytes)) {
            JsonNode n = JSON.readTree(line);
            out.add(new SpooledEvent(n.path("seq").asLong(), n.path("time").asText(), n.path("severity").asText(), (ObjectNode) n.get("event")));
        }
        return out;
    }

    /**
     * The same events as {@link #pending}, as the stored JSON lines: each already has the shape of a
     * protocol {@code SpooledEvent}, so the uplink sends them without parsing them again.
     */
    public synchronized List<String> pendingLines(int maxEvents, long maxBytes) throws IOException {
        List<String> out = new ArrayList<>();
        if (committed <= acked || segments.isEmpty()) {
            return out;
        }
        Path seg;
        long offset;
        if (cursorSeq == acked && cursorSegment != null && segments.containsValue(cursorSegment)) {
            seg = cursorSegment;
            offset = cursorOffset;
        } else {
            Map.Entry<Long, Path> e = segments.floorEntry(acked + 1);
            seg = (e == null ? segments.firstEntry() : e).getValue();
            offset = 0;
        }
        long bytes = 0;
        while (seg != null && out.size() < maxEvents) {
            try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ)) {
                ch.position(offset);
                BufferedReader r = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    long lineBytes = line.getBytes(StandardCharsets.UTF_8).length + 1L;
                    long seq = seqOf(line);
                    if (seq > committed) {
                        return out;
                    }
                    if (seq > acked) {
                        if (!out.isEmpty() && (out.size() >= maxEvents || bytes + lineBytes > maxBytes)) {
                            return out;
                        }
                        out.add(line);
                        bytes += lineBytes;
                        cursorSegment = seg;
                        cursorSeq = seq;
                    }
                    offset += lineBytes;
                    cursorOffset = offset;
                }
            }
            Map.Entry<Long, Path> next = segments.higherEntry(keyOf(seg));
            seg = next == null ? null : next.getValue();
            offset = 0;
            if (seg != null && out.size() < maxEvents) {
                cursorSegment = seg;
                cursorOffset = 0;
            }
        }
        return out;
    }

    /** A line's number: read from its {@code {"seq":N,} prefix, which this spool always writes first. */
    public static long seqOf(String line) throws IOException {
        if (line.startsWith("{\"seq\":")) {
            long n = 0;
            int i = 7;
            for (; i < line.length() && Character.isDigit(line.charAt(i)); i++) {
                n = n * 10 + (line.charAt(i) - '0');
            }
            if (i > 7 && i < line.length() && line.charAt(i) == ',') {
                return n;
            }
        }
        return JSON.readTree(line).path("seq").asLong();
    }

    private long keyOf(Path seg) {
        for (Map.Entry<Long, Path> e : segments.entrySet()) {
            if (e.getValue().equals(seg)) {
                return e.getKey();
            }
        }
        return Long.MAX_VALUE;
    }

    /** The manager has everything up to {@code seq}: remember it durably and delete what no longer matters. */
    public synchronized void acknowledge(long seq) throws IOException {
        if (seq <= acked) {
            return;
        }
        if (seq > lastSeq) {
            throw new SpoolException("the manager acknowledged event " + seq + " but the spool has only numbered up to " + lastSeq
                    + "; is another agent enrolled with this identity?");
        }
        acked = seq;
        AtomicFiles.write(dir.resolve("acked"), Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
        while (segments.size() > 1) {
            Map.Entry<Long, Path> first = segments.firstEntry();
            Long nextFirst = segments.higherKey(first.getKey());
            if (nextFirst == null || nextFirst - 1 > acked || first.getKey() == activeFirst) {
                break;
            }
            totalBytes -= Files.size(first.getValue());
            Files.delete(first.getValue());
            segments.remove(first.getKey());
        }
    }

    @Override
    public synchronized long length() {
        return lastSeq;
    }

    @Override
    public synchronized void commit() {
        committed = lastSeq;
    }

    /**
     * Drops events numbered above {@code mark} that were never committed (a crash came between the
     * append and the producer's save). Acknowledged events are never dropped.
     */
    @Override
    public synchronized void truncateTo(long mark) throws IOException {
        long keep = Math.max(mark, acked);
        if (keep >= lastSeq) {
            committed = lastSeq;
            return;
        }
        for (Map.Entry<Long, Path> seg : List.copyOf(segments.descendingMap().entrySet())) {
            if (seg.getKey() > keep) { // holds only numbers above the mark
                if (seg.getKey() == activeFirst && active != null) {
                    active.close();
                    active = null;
                }
                totalBytes -= Files.size(seg.getValue());
                Files.delete(seg.getValue());
                segments.remove(seg.getKey());
                continue;
            }
            rewrite(seg.getValue(), n -> n.path("seq").asLong() <= keep);
            break;
        }
        if (active == null && !segments.isEmpty()) {
            Map.Entry<Long, Path> last = segments.lastEntry();
            active = FileChannel.open(last.getValue(), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            activeFirst = last.getKey();
        }
        lastSeq = keep;
        committed = keep;
        cursorSeq = -1;
    }

    /** Counters for the heartbeat: {@code spool.*}. */
    public synchronized Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("spool.lastSeq", lastSeq);
        c.put("spool.acked", acked);
        c.put("spool.committed", committed);
        c.put("spool.bytes", totalBytes);
        c.put("spool.appended", appended);
        long total = 0;
        for (Map.Entry<String, Long> e : dropped.entrySet()) {
            c.put("spool.dropped." + e.getKey(), e.getValue());
            total += e.getValue();
        }
        c.put("spool.dropped", total);
        return c;
    }

    public synchronized long lastSeq() {
        return lastSeq;
    }

    public synchronized long acked() {
        return acked;
    }

    public synchronized long bytes() {
        return totalBytes;
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            if (active != null) {
                active.force(true);
                active.close();
                active = null;
            }
        } finally {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            lockChannel.close();
        }
    }
}
