package dev.bulwark.agent.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * Where an agent module puts its results, with the two-step commit that makes a crash neither lose
 * nor repeat one: {@link #append} forces the events to disk, the module then saves its own read
 * position together with {@link #length()}, and calls {@link #commit()}. On restart the module calls
 * {@link #truncateTo} with the length it saved, which drops events appended after that save (their
 * input is read again). Only committed events leave the agent.
 */
public interface EventSink extends AutoCloseable {

    /** Stores the events durably (forced to disk) but not yet committed. */
    void append(List<ObjectNode> events) throws IOException;

    /** A mark to save beside the module's position: everything appended so far. */
    long length() throws IOException;

    /** Drops what was appended after {@code mark} and never committed. */
    void truncateTo(long mark) throws IOException;

    /** The module saved its position: what was appended may now be sent. */
    default void commit() throws IOException {
    }

    @Override
    void close() throws IOException;
}
