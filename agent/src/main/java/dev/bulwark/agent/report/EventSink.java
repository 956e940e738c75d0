package dev.bulwark.agent.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The agent's outgoing events for now: JSON lines appended to a file and forced to disk before
 * the reader's position is committed. The manager protocol will ship from here; until then the
 * file is the record. {@link #truncateTo} undoes events written after the last committed position.
 */
public final class EventSink implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;

    public EventSink(Path file) throws IOException {
        this.file = file;
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        channel.position(channel.size());
    }

    public Path file() {
        return file;
    }

    public long length() throws IOException {
        return channel.size();
    }

    /** Cuts events written after a crash but before their position was committed. */
    public void truncateTo(long length) throws IOException {
        if (channel.size() > length) {
            channel.truncate(length);
            channel.force(true);
        }
        channel.position(channel.size());
    }

    public void append(List<ObjectNode> events) throws IOException {
        if (events.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (ObjectNode e : events) {
            sb.append(e.toString()).append('\n');
        }
        ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
