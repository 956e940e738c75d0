package dev.bulwark.authoring.logtest;

import dev.bulwark.engine.Finding;
import dev.bulwark.engine.RuleMetadata;
import dev.bulwark.engine.Severity;
import dev.bulwark.engine.evaluation.EvaluationResult;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.evaluation.StreamSession;
import dev.bulwark.engine.loginspection.LogEvent;
import dev.bulwark.engine.loginspection.decoder.LogLineDecoder;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Tests lines one at a time in a session that keeps state between them (so correlation shows),
 * until {@link #reset}. The verdict for a line is its most severe finding; the level is the
 * OSSEC-style 0-15 equivalent of its severity, for engineers used to that scale.
 */
public final class LogTester implements AutoCloseable {

    /** What one line produced. {@code rule} is null when no rule raised anything. */
    public record Outcome(LogEvent event, Finding top, List<Finding> all) {
        public Integer level() {
            return top == null ? null : levelOf(top.severity());
        }
    }

    private final LoadedKnowledgeBase kb;
    private final LogLineDecoder decoder = new LogLineDecoder();
    private StreamSession session;

    public LogTester(LoadedKnowledgeBase kb) {
        this.kb = kb;
        this.session = kb.openSession(StreamSession.Clock.PSEUDO);
    }

    public Outcome test(String line) {
        LogEvent event = decoder.decode(line);
        EvaluationResult r = session.insert(List.of(event), true);
        Finding top = r.findings().stream().max(Comparator.comparing(Finding::severity)).orElse(null);
        return new Outcome(event, top, r.findings());
    }

    /** Forgets all state: the next line is judged on its own. */
    public void reset() {
        session.close();
        session = kb.openSession(StreamSession.Clock.PSEUDO);
    }

    public Map<String, RuleMetadata> rules() {
        return kb.rules();
    }

    /** Severity to the 0-15 level scale of OSSEC and Wazuh (info 3, low 5, medium 8, high 10, critical 13). */
    public static int levelOf(Severity s) {
        return switch (s) {
            case INFO -> 3;
            case LOW -> 5;
            case MEDIUM -> 8;
            case HIGH -> 10;
            case CRITICAL -> 13;
        };
    }

    @Override
    public void close() {
        session.close();
    }
}
