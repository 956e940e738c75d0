package dev.bulwark.engine.evaluation;

import dev.bulwark.engine.Finding;
import dev.bulwark.engine.RuleMetadata;
import dev.bulwark.engine.Verdict;
import dev.bulwark.engine.recommendation.RuleAssignment;
import java.util.ArrayList;
import java.util.List;
import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.event.rule.ObjectDeletedEvent;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.event.rule.ObjectUpdatedEvent;
import org.kie.api.event.rule.RuleRuntimeEventListener;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;

/**
 * Listens to one session: gathers the results rules insert, times each firing, and after a fire
 * deletes the results from working memory so a long-lived session does not accumulate them.
 * A session is single-threaded, so the plain fields here need no locking.
 */
final class ResultCollector extends DefaultAgendaEventListener implements RuleRuntimeEventListener {

    private final RuleStatistics statistics;
    private final List<Finding> findings = new ArrayList<>();
    private final List<Verdict> verdicts = new ArrayList<>();
    private final List<RuleAssignment> assignments = new ArrayList<>();
    private final List<FactHandle> resultHandles = new ArrayList<>();
    private long firingStarted;

    ResultCollector(RuleStatistics statistics) {
        this.statistics = statistics;
    }

    @Override
    public void beforeMatchFired(BeforeMatchFiredEvent event) {
        firingStarted = System.nanoTime();
    }

    @Override
    public void afterMatchFired(AfterMatchFiredEvent event) {
        statistics.record(RuleMetadata.idOf(event.getMatch().getRule()), System.nanoTime() - firingStarted);
    }

    @Override
    public void objectInserted(ObjectInsertedEvent event) {
        Object o = event.getObject();
        if (o instanceof Finding f) {
            findings.add(f);
        } else if (o instanceof Verdict v) {
            verdicts.add(v);
        } else if (o instanceof RuleAssignment a) {
            assignments.add(a);
        } else {
            return;
        }
        resultHandles.add(event.getFactHandle());
    }

    @Override
    public void objectUpdated(ObjectUpdatedEvent event) {
        // Facts are immutable records; nothing to track.
    }

    @Override
    public void objectDeleted(ObjectDeletedEvent event) {
        // Deletions of input facts are the session owner's business.
    }

    /** A rule failing on every match must not turn one fire into an endless loop: after this many, the rest of the fire is skipped. */
    static final int MAX_FAILURES_PER_FIRE = 1_000;

    /**
     * Fires the session, then hands back and clears what the rules produced. A rule that throws is
     * recorded and the fire goes on with the rest of the agenda (its failed activation is spent).
     */
    EvaluationResult fire(KieSession session) {
        int fired = 0;
        List<RuleFailure> failures = List.of();
        while (true) {
            try {
                fired += session.fireAllRules();
                break;
            } catch (RuntimeException e) {
                if (failures.isEmpty()) {
                    failures = new ArrayList<>();
                }
                String ruleId = e instanceof org.kie.api.runtime.rule.ConsequenceException ce && ce.getRule() != null
                        ? RuleMetadata.idOf(ce.getRule()) : null;
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                failures.add(new RuleFailure(ruleId, cause.getClass().getSimpleName() + ": " + cause.getMessage()));
                statistics.recordFailure(ruleId);
                if (failures.size() >= MAX_FAILURES_PER_FIRE) {
                    break;
                }
            }
        }
        if (fired == 0 && resultHandles.isEmpty() && failures.isEmpty()) {
            return EvaluationResult.EMPTY;
        }
        EvaluationResult result = new EvaluationResult(findings, verdicts, assignments, fired, failures);
        for (FactHandle h : resultHandles) {
            session.delete(h);
        }
        findings.clear();
        verdicts.clear();
        assignments.clear();
        resultHandles.clear();
        return result;
    }
}
