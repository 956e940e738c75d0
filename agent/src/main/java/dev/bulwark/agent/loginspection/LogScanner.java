package dev.bulwark.agent.loginspection;

import dev.bulwark.engine.evaluation.EvaluationResult;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.evaluation.StreamSession;
import dev.bulwark.engine.loginspection.LogEvent;
import dev.bulwark.engine.loginspection.decoder.LogLineDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Evaluates log lines against a knowledge base in one long-lived, pseudo-clock stream session:
 * lines are decoded, batched, and replayed in time order, so correlation windows span files and
 * batches. Results go to a consumer as each batch fires. Not thread-safe.
 */
public final class LogScanner implements AutoCloseable {

    /** Bytes kept of one line; {@link LogLineDecoder} cuts further to its own bound. */
    public static final int MAX_LINE_BYTES = 256 * 1024;
    public static final int BATCH = 1_000;

    /** Totals so far. */
    public record Stats(long lines, long truncated, long decoded, long bytes, long findings, long verdicts, long ruleFailures) {
    }

    private final LogLineDecoder decoder;
    private final StreamSession session;
    private final Consumer<EvaluationResult> results;
    private final List<LogEvent> batch = new ArrayList<>(BATCH);
    private long lines;
    private long truncated;
    private long decoded;
    private long bytes;
    private long findings;
    private long verdicts;
    private long ruleFailures;

    public LogScanner(LoadedKnowledgeBase kb, LogLineDecoder decoder, Consumer<EvaluationResult> results) {
        this.decoder = decoder;
        this.session = kb.openSession(StreamSession.Clock.PSEUDO);
        this.results = results;
    }

    /**
     * Reads a whole stream (bounded lines, invalid UTF-8 replaced, a last line without a newline
     * included); {@code progress} is told the bytes read so far after each chunk.
     */
    public void scan(InputStream in, String hostHint, Consumer<Long> progress) throws IOException {
        LineSplitter splitter = new LineSplitter(MAX_LINE_BYTES, 0);
        Consumer<LineSplitter.Line> deliver = l -> accept(l.text(), l.truncated(), hostHint);
        byte[] chunk = new byte[64 * 1024];
        try (in) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                splitter.accept(chunk, n, deliver);
                bytes += n;
                if (progress != null) {
                    progress.accept(bytes);
                }
            }
        }
        splitter.flushPartial(deliver);
        flush();
    }

    /** Decodes and queues one line; evaluates when a batch is full. */
    public void accept(String text, boolean cut, String hostHint) {
        LogEvent event = decoder.decode(text, hostHint);
        lines++;
        if (cut || event.extra().containsKey("truncated")) {
            truncated++;
        }
        if (event.decoder() != null) {
            decoded++;
        }
        batch.add(event);
        if (batch.size() >= BATCH) {
            flush();
        }
    }

    /** Evaluates what is queued. */
    public void flush() {
        if (batch.isEmpty()) {
            return;
        }
        EvaluationResult r = session.insert(batch, true);
        batch.clear();
        findings += r.findings().size();
        verdicts += r.verdicts().size();
        ruleFailures += r.failures().size();
        if (!r.isEmpty() || !r.failures().isEmpty()) {
            results.accept(r);
        }
    }

    public Stats stats() {
        return new Stats(lines, truncated, decoded, bytes, findings, verdicts, ruleFailures);
    }

    @Override
    public void close() {
        flush();
        session.close();
    }
}
