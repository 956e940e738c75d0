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
 * Events as JSON lines appended to a file and forced to disk before the reader's position is
 * committed: the sink of a stand-alone agent ({@code logwatch --sink FILE}). {@link #truncateTo}
 * undoes events written after the last committed position. An enrolled agent uses the event spool.
 */
public final class JsonLinesSink implements EventSink {

    private final Path file;
    private final FileChannel channel;

    public JsonLinesSink(Path file) throws IOException {
        this.file = file;
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        channel.position(channel.size());
    }

    public Path file() {
        return file;
    }

    @Override
    public long length() throws IOException {
        return channel.size();
    }

    /** Cuts events written after a crash but before their position was committed. */
    @Override
    public void truncateTo(long length) throws IOException {
        if (channel.size() > length) {
            channel.truncate(length);
            channel.force(true);
        }
        channel.position(channel.size());
    }

    @Override
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
