package dev.bulwark.agent.loginspection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.linux.journald.JournalReader;
import dev.bulwark.agent.report.EventSink;
import dev.bulwark.agent.report.ResultJson;
import dev.bulwark.agent.store.LogPositionStore;
import dev.bulwark.engine.evaluation.EvaluationResult;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.loginspection.decoder.LogLineDecoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Continuous log inspection: each {@link #pollOnce} reads what is new in the followed files,
 * evaluates it in one long-lived session, appends the results to the event sink (forced to disk),
 * and only then commits the read positions together with the sink's length. On start, results
 * written after the last commit are cut from the sink and their lines are read again: a crash at
 * any point loses no line and reports none twice. Not thread-safe: one thread polls.
 */
public final class LogWatcher implements AutoCloseable {

    /** Bounded work per poll so one huge file cannot starve the others or fill memory with results. */
    public static final long MAX_BYTES_PER_POLL = 32L << 20;
    public static final int MAX_JOURNAL_ENTRIES_PER_POLL = 50_000;

    /** Which journal to follow: {@code journalctl} arguments ({@code --directory D}, {@code --file F}, or none), and whether to start at its beginning. */
    public record JournalSource(List<String> arguments, boolean fromStart) {
    }

    private final LogPositionStore store;
    private final EventSink sink;
    private final LogFileFollower follower;
    private final LogScanner scanner;
    private final JournalReader journal;
    private final String hostHint;
    private final List<ObjectNode> pending = new ArrayList<>();
    private String journalCursor;
    private long linesTotal;

    public LogWatcher(LoadedKnowledgeBase kb, List<Path> files, LogPositionStore store, EventSink sink, String hostHint) throws IOException {
        this(kb, files, null, store, sink, hostHint);
    }

    /**
     * @param journal how to read the journal (cursor resumes from the store), or null for files only
     */
    public LogWatcher(LoadedKnowledgeBase kb, List<Path> files, JournalSource journal, LogPositionStore store, EventSink sink,
                      String hostHint) throws IOException {
        this.store = store;
        this.sink = sink;
        LogPositionStore.State state = store.load();
        sink.truncateTo(state.sinkLength());
        this.journalCursor = state.journalCursor();
        Map<Path, LogFileFollower.Position> saved = new HashMap<>();
        state.offsets().forEach((p, v) -> saved.put(Path.of(p), new LogFileFollower.Position(v.get("device"), v.get("inode"), v.get("offset"))));
        this.follower = new LogFileFollower(files, saved, LogScanner.MAX_LINE_BYTES, MAX_BYTES_PER_POLL);
        this.scanner = new LogScanner(kb, new LogLineDecoder(), this::collect);
        this.hostHint = hostHint;
        this.journal = journal == null ? null
                : new JournalReader(journal.arguments(), journalCursor, journal.fromStart(), MAX_JOURNAL_ENTRIES_PER_POLL);
    }

    private void collect(EvaluationResult r) {
        r.findings().forEach(f -> pending.add(ResultJson.of(f)));
        r.verdicts().forEach(v -> pending.add(ResultJson.of(v)));
        r.failures().forEach(f -> pending.add(ResultJson.of(f)));
    }

    /** Reads, evaluates, reports and commits what is new; returns the number of lines read. */
    public int pollOnce() throws IOException {
        int lines = follower.poll(l -> scanner.accept(l.text(), l.truncated(), hostHint, l.path().toString()));
        if (journal != null) {
            lines += journal.read(e -> scanner.accept(e.line(), false, hostHint, "journald"));
            journalCursor = journal.cursor();
        }
        scanner.flush();
        sink.append(pending);
        pending.clear();
        Map<String, Map<String, Long>> offsets = new LinkedHashMap<>();
        follower.positions().forEach((p, pos) -> offsets.put(p.toString(), Map.of("device", pos.device(), "inode", pos.inode(), "offset", pos.offset())));
        store.save(new LogPositionStore.State(offsets, sink.length(), journalCursor));
        sink.commit();
        linesTotal += lines;
        return lines;
    }

    public long linesTotal() {
        return linesTotal;
    }

    public LogScanner.Stats stats() {
        return scanner.stats();
    }

    @Override
    public void close() throws IOException {
        follower.close();
        scanner.close();
    }
}
