package dev.bulwark.agent.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code logs/positions.json}: per followed path, the file identity and the offset after the last
 * line whose results are in the event sink, plus the sink's length at that moment and the journal
 * cursor. Written atomically after every batch, so after a crash the sink is cut back to the
 * recorded length and reading resumes at the recorded offsets: no line lost, none reported twice.
 */
public final class LogPositionStore {

    /** @param offsets path to {device, inode, offset} */
    public record State(Map<String, Map<String, Long>> offsets, long sinkLength, String journalCursor) {
        public static final State EMPTY = new State(Map.of(), 0, null);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public LogPositionStore(Path stateDir) {
        this.file = stateDir.resolve("logs/positions.json");
    }

    public State load() throws IOException {
        if (!Files.exists(file)) {
            return State.EMPTY;
        }
        try {
            return JSON.readValue(file.toFile(), new TypeReference<State>() { });
        } catch (IOException e) {
            throw new IOException(file + " is unreadable (" + e.getMessage() + "); remove it to start the logs from their beginning", e);
        }
    }

    public void save(State state) throws IOException {
        AtomicFiles.write(file, JSON.writeValueAsBytes(new State(new LinkedHashMap<>(state.offsets()), state.sinkLength(), state.journalCursor())));
    }
}
