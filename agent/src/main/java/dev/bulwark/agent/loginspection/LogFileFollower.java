package dev.bulwark.agent.loginspection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Follows log files the way logrotate and daemons treat them:
 * <ul>
 *   <li><b>rename + create</b>: the old file (same device and inode) is read to its end before the
 *       new one is opened at offset 0; if the agent was down during the rotation, the old file is
 *       found again by its inode among the path's siblings ({@code auth.log.1}) and drained first;</li>
 *   <li><b>copytruncate</b> and truncation: a file shorter than the read offset starts again at 0;</li>
 *   <li><b>deletion</b>: what was written is read, then the path is watched until it reappears.</li>
 * </ul>
 * Only complete lines are delivered (an unfinished last line waits, unless its file was rotated
 * away); {@link #positions()} gives, per path, the identity and the offset just after the last
 * delivered line, for the caller to persist once it has handled those lines. Polling, not threads:
 * the caller decides when to {@link #poll}. Not thread-safe.
 */
public final class LogFileFollower implements AutoCloseable {

    /** Where reading of one path stands; persisted by the caller. */
    public record Position(long device, long inode, long offset) {
    }

    /** A line and the file it came from. */
    public record FollowedLine(Path path, String text, boolean truncated) {
    }

    private static final int CHUNK = 64 * 1024;

    private final int maxLineBytes;
    private final long maxBytesPerPoll;
    private final Map<Path, Tracked> tracked = new LinkedHashMap<>();
    /** Reused for every read: the splitter copies what it keeps. */
    private final ByteBuffer buf = ByteBuffer.allocate(CHUNK);

    private static final class Tracked {
        final Path path;
        Position saved;
        FileChannel channel;
        FileIdentity identity;
        LineSplitter splitter;
        long readOffset;

        Tracked(Path path, Position saved) {
            this.path = path;
            this.saved = saved;
        }
    }

    /**
     * @param saved positions persisted by an earlier run, by path (missing: start at the beginning)
     */
    public LogFileFollower(List<Path> paths, Map<Path, Position> saved, int maxLineBytes, long maxBytesPerPoll) {
        this.maxLineBytes = maxLineBytes;
        this.maxBytesPerPoll = maxBytesPerPoll;
        for (Path p : paths) {
            tracked.put(p, new Tracked(p, saved.get(p)));
        }
    }

    /** Reads what is new in every followed file; returns the number of lines delivered. */
    public int poll(Consumer<FollowedLine> out) throws IOException {
        int lines = 0;
        for (Tracked t : tracked.values()) {
            lines += poll(t, out);
        }
        return lines;
    }

    /** Per path: the identity and offset just after the last complete line delivered. */
    public Map<Path, Position> positions() {
        Map<Path, Position> out = new LinkedHashMap<>();
        for (Tracked t : tracked.values()) {
            if (t.identity != null && t.splitter != null) {
                out.put(t.path, new Position(t.identity.device(), t.identity.inode(), t.splitter.committedOffset()));
            } else if (t.saved != null) {
                out.put(t.path, t.saved);
            }
        }
        return out;
    }

    private int poll(Tracked t, Consumer<FollowedLine> out) throws IOException {
        int[] count = {0};
        Consumer<LineSplitter.Line> deliver = l -> {
            count[0]++;
            out.accept(new FollowedLine(t.path, l.text(), l.truncated()));
        };
        if (t.channel == null && !open(t, deliver)) {
            return 0;
        }
        long budget = maxBytesPerPoll;
        long size = t.channel.size();
        if (size < t.readOffset) {
            // truncated in place (copytruncate, or "> file"): what it holds now is new
            t.readOffset = 0;
            t.splitter = new LineSplitter(maxLineBytes, 0);
        }
        budget -= readAvailable(t, deliver, budget);
        if (budget > 0 && rotatedAway(t)) {
            // the path names another file now, or none: finish the old one, then start on the new
            readAvailable(t, deliver, Long.MAX_VALUE);
            t.splitter.flushPartial(deliver);
            close(t);
        }
        return count[0];
    }

    /** Opens the path's current file; first drains the file we were reading before a restart if it was rotated away. */
    private boolean open(Tracked t, Consumer<LineSplitter.Line> deliver) throws IOException {
        FileIdentity id;
        try {
            id = FileIdentity.of(t.path);
        } catch (NoSuchFileException e) {
            return false;
        }
        long start = 0;
        if (t.saved != null) {
            if (t.saved.device() == id.device() && t.saved.inode() == id.inode()) {
                start = t.saved.offset();
            } else {
                drainRotatedPredecessor(t, deliver);
            }
            t.saved = null;
        }
        FileChannel ch = FileChannel.open(t.path, StandardOpenOption.READ);
        if (!FileIdentity.of(t.path).equals(id)) {
            ch.close(); // rotated between the two looks: try again on the next poll
            return false;
        }
        if (start > ch.size()) {
            start = 0; // truncated while we were away
        }
        t.channel = ch;
        t.identity = id;
        t.readOffset = start;
        t.splitter = new LineSplitter(maxLineBytes, start);
        return true;
    }

    /** After a restart: the file we had been reading now has another name (auth.log.1); read its rest. */
    private void drainRotatedPredecessor(Tracked t, Consumer<LineSplitter.Line> deliver) throws IOException {
        Optional<Path> old = findByIdentity(t.path, new FileIdentity(t.saved.device(), t.saved.inode()));
        if (old.isEmpty()) {
            return;
        }
        try (FileChannel ch = FileChannel.open(old.get(), StandardOpenOption.READ)) {
            Tracked tmp = new Tracked(old.get(), null);
            tmp.channel = ch;
            tmp.readOffset = Math.min(t.saved.offset(), ch.size());
            tmp.splitter = new LineSplitter(maxLineBytes, tmp.readOffset);
            readAvailable(tmp, deliver, Long.MAX_VALUE);
            tmp.splitter.flushPartial(deliver);
        }
    }

    private static Optional<Path> findByIdentity(Path path, FileIdentity wanted) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        String base = path.getFileName().toString();
        try (Stream<Path> siblings = Files.list(dir)) {
            for (Path p : siblings.filter(s -> s.getFileName().toString().startsWith(base) && !s.equals(path)).toList()) {
                try {
                    if (FileIdentity.of(p).equals(wanted) && Files.isRegularFile(p)) {
                        return Optional.of(p);
                    }
                } catch (IOException e) {
                    // vanished while we looked
                }
            }
        }
        return Optional.empty();
    }

    private long readAvailable(Tracked t, Consumer<LineSplitter.Line> deliver, long budget) throws IOException {
        long read = 0;
        while (read < budget) {
            buf.clear();
            int n = t.channel.read(buf, t.readOffset);
            if (n <= 0) {
                break;
            }
            t.readOffset += n;
            read += n;
            t.splitter.accept(buf.array(), n, deliver);
        }
        return read;
    }

    private static boolean rotatedAway(Tracked t) {
        try {
            return !FileIdentity.of(t.path).equals(t.identity);
        } catch (IOException e) {
            return true; // deleted
        }
    }

    private static void close(Tracked t) throws IOException {
        if (t.channel != null) {
            t.channel.close();
        }
        t.channel = null;
        t.identity = null;
        t.splitter = null;
        t.saved = null;
    }

    /** Paths currently open. */
    public List<Path> open() {
        List<Path> out = new ArrayList<>();
        tracked.values().stream().filter(t -> t.channel != null).forEach(t -> out.add(t.path));
        return out;
    }

    @Override
    public void close() throws IOException {
        for (Tracked t : tracked.values()) {
            close(t);
        }
    }
}
