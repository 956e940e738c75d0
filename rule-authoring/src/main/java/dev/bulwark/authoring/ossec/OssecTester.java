package dev.bulwark.authoring.ossec;

import dev.bulwark.engine.Finding;
import dev.bulwark.engine.evaluation.EvaluationResult;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.evaluation.StreamSession;
import dev.bulwark.engine.loginspection.ossec.OssecDecoders;
import dev.bulwark.engine.loginspection.ossec.OssecEvent;
import dev.bulwark.engine.loginspection.ossec.OssecMatch;
import dev.bulwark.engine.loginspection.ossec.OssecMemory;
import java.util.List;

/**
 * Runs lines through an imported OSSEC/Wazuh ruleset as {@code wazuh-logtest} does: pre-decode,
 * decode, walk the rule tree in a Drools session, report the alert. State (for correlation) lasts
 * until {@link #reset}.
 */
public final class OssecTester implements AutoCloseable {

    /** What one line produced; {@code alert} is null when no rule matched. */
    public record Outcome(OssecEvent event, Finding alert, EvaluationResult result) {
        public String ruleId() {
            return alert == null ? null : alert.evidence().get("ossec.rule");
        }

        public Integer level() {
            return alert == null ? null : Integer.valueOf(alert.evidence().get("ossec.level"));
        }
    }

    private final LoadedKnowledgeBase kb;
    private final OssecDecoders decoders;
    private final String location;
    private final dev.bulwark.engine.loginspection.decoder.LogLineDecoder builtin;
    private StreamSession session;
    private OssecMemory memory = new OssecMemory();
    /**
     * Where the tester's clock starts: a Wednesday at noon on this host (2001-09-12 12:00 local). Each
     * line is one millisecond after the one before, so correlation windows hold every line of a
     * case, and rules with {@code <time>}/{@code <weekday>} see business hours, the same on every
     * run; the agent judges a line by its own time instead.
     */
    public static final long CLOCK_START = java.time.LocalDateTime.of(2001, 9, 12, 12, 0)
            .atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli();

    private long clock = CLOCK_START;

    public OssecTester(LoadedKnowledgeBase kb, OssecDecoders decoders, String location) {
        this(kb, decoders, location, false);
    }

    /**
     * @param withBuiltin also decode each line for Bulwark's own log rules (compiled into the same
     *                    knowledge base), so both rule sets judge it side by side
     */
    public OssecTester(LoadedKnowledgeBase kb, OssecDecoders decoders, String location, boolean withBuiltin) {
        this.kb = kb;
        this.decoders = decoders;
        this.location = location;
        this.builtin = withBuiltin ? new dev.bulwark.engine.loginspection.decoder.LogLineDecoder() : null;
        this.session = kb.openSession(StreamSession.Clock.PSEUDO);
    }

    public Outcome test(String line) {
        OssecEvent event = decoders.decode(line, location, clock++);
        EvaluationResult own = null;
        if (builtin != null) {
            // Bulwark's own log events stay for their correlation windows; the tree state never does
            own = session.insert(List.of(builtin.decode(line)), true);
        }
        EvaluationResult r = session.insert(List.of(OssecMatch.root(event, memory)), false);
        Finding alert = r.findings().stream().filter(f -> f.evidence().containsKey("ossec.rule")).reduce((a, b) -> b).orElse(null);
        return new Outcome(event, alert, own == null ? r : EvaluationResult.merge(List.of(own, r)));
    }

    /** Forgets all state: the next line is judged on its own. */
    public void reset() {
        session.close();
        session = kb.openSession(StreamSession.Clock.PSEUDO);
        memory = new OssecMemory();
    }

    @Override
    public void close() {
        session.close();
    }
}
