package dev.bulwark.agent.loginspection;

import dev.bulwark.engine.Finding;
import dev.bulwark.engine.evaluation.EvaluationResult;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.evaluation.StreamSession;
import dev.bulwark.engine.loginspection.LogEvent;
import dev.bulwark.engine.loginspection.decoder.LogLineDecoder;
import dev.bulwark.engine.loginspection.ossec.OssecDecoders;
import dev.bulwark.engine.loginspection.ossec.OssecEvent;
import dev.bulwark.engine.loginspection.ossec.OssecMatch;
import dev.bulwark.engine.loginspection.ossec.OssecMemory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Evaluates log lines against a knowledge base in one long-lived, pseudo-clock stream session:
 * lines are decoded, batched, and replayed in time order, so correlation windows span files and
 * batches. Results go to a consumer as each batch fires. Not thread-safe.
 *
 * <p>When the bundle carries imported OSSEC/Wazuh decoders, each line is also decoded by them and
 * walks the imported rule tree, one line at a time after the batch's own events (as Wazuh's
 * analysis does: each event's alert and correlation memory are settled before the next event),
 * in the same session and at the line's own time. Imported alerts below the alert level (Wazuh's
 * {@code log_alert_level}, 3 by default) are not reported.
 */
public final class LogScanner implements AutoCloseable {

    /** Bytes kept of one line; {@link LogLineDecoder} cuts further to its own bound. */
    public static final int MAX_LINE_BYTES = 256 * 1024;
    public static final int BATCH = 1_000;
    /** Wazuh's default {@code log_alert_level}: imported rules' alerts below it are not reported. */
    public static final int OSSEC_ALERT_LEVEL = 3;

    /** Totals so far. */
    public record Stats(long lines, long truncated, long decoded, long bytes, long findings, long verdicts, long ruleFailures) {
    }

    private final LogLineDecoder decoder;
    private final StreamSession session;
    private final Consumer<EvaluationResult> results;
    private final List<LogEvent> batch = new ArrayList<>(BATCH);
    private final OssecDecoders ossec;
    private final OssecMemory ossecMemory = new OssecMemory();
    private final int ossecAlertLevel;
    private final List<String> locations = new ArrayList<>(BATCH);
    private long lines;
    private long truncated;
    private long decoded;
    private long bytes;
    private long findings;
    private long verdicts;
    private long ruleFailures;

    public LogScanner(LoadedKnowledgeBase kb, LogLineDecoder decoder, Consumer<EvaluationResult> results) {
        this(kb, decoder, OSSEC_ALERT_LEVEL, results);
    }

    /** @param ossecAlertLevel the lowest level of an imported OSSEC/Wazuh rule whose alert is reported */
    public LogScanner(LoadedKnowledgeBase kb, LogLineDecoder decoder, int ossecAlertLevel, Consumer<EvaluationResult> results) {
        this.decoder = decoder;
        this.ossec = kb.ossecDecoders().orElse(null);
        this.ossecAlertLevel = ossecAlertLevel;
        this.session = kb.openSession(StreamSession.Clock.PSEUDO);
        this.results = results;
    }

    /**
     * Reads a whole stream (bounded lines, invalid UTF-8 replaced, a last line without a newline
     * included); {@code progress} is told the bytes read so far after each chunk.
     */
    public void scan(InputStream in, String hostHint, Consumer<Long> progress) throws IOException {
        scan(in, "stdin", hostHint, progress);
    }

    /** As {@link #scan(InputStream, String, Consumer)}; {@code location} (a path) is what imported rules see as the log's location. */
    public void scan(InputStream in, String location, String hostHint, Consumer<Long> progress) throws IOException {
        LineSplitter splitter = new LineSplitter(MAX_LINE_BYTES, 0);
        Consumer<LineSplitter.Line> deliver = l -> accept(l.text(), l.truncated(), hostHint, location);
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
        accept(text, cut, hostHint, "stdin");
    }

    /** Decodes and queues one line read from {@code location}; evaluates when a batch is full. */
    public void accept(String text, boolean cut, String hostHint, String location) {
        LogEvent event = decoder.decode(text, hostHint);
        lines++;
        if (cut || event.extra().containsKey("truncated")) {
            truncated++;
        }
        if (event.decoder() != null) {
            decoded++;
        }
        batch.add(event);
        if (ossec != null) {
            locations.add(location);
        }
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
        if (ossec != null) {
            r = withImported(r);
        }
        batch.clear();
        locations.clear();
        findings += r.findings().size();
        verdicts += r.verdicts().size();
        ruleFailures += r.failures().size();
        if (!r.isEmpty() || !r.failures().isEmpty()) {
            results.accept(r);
        }
    }

    /**
     * The batch's lines through the imported decoders and rule tree, one line per firing, in
     * arrival order, each at its own time (the sanitised, bounded line Bulwark's decoder kept).
     */
    private EvaluationResult withImported(EvaluationResult own) {
        List<EvaluationResult> parts = new ArrayList<>(batch.size() + 1);
        parts.add(own);
        for (int i = 0; i < batch.size(); i++) {
            LogEvent e = batch.get(i);
            OssecEvent oe = ossec.decode(e.raw(), locations.get(i), e.timestamp());
            parts.add(session.insert(List.of(OssecMatch.root(oe, ossecMemory)), false));
        }
        EvaluationResult all = EvaluationResult.merge(parts);
        List<Finding> reported = all.findings().stream().filter(f -> {
            String level = f.evidence().get("ossec.level");
            return level == null || Integer.parseInt(level) >= ossecAlertLevel;
        }).toList();
        return new EvaluationResult(reported, all.verdicts(), all.assignments(), all.rulesFired(), all.failures());
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
