package dev.bulwark.engine.evaluation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.drools.core.impl.RuleBaseFactory;
import org.kie.api.KieBase;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.KieSessionConfiguration;
import org.kie.api.runtime.conf.ClockTypeOption;
import org.kie.api.runtime.rule.FactHandle;
import org.kie.api.time.SessionPseudoClock;

/**
 * A long-lived stream (CEP) session: insert a batch, fire once, keep or delete what was inserted;
 * events leave by their {@code @Expires} or when the rules' windows no longer need them.
 *
 * <p>With {@link Clock#PSEUDO} the session's time is the events' time: a batch is replayed in
 * timestamp order and the clock follows it, so windows ({@code over window:time(60s)}) mean the
 * same on a log file read a day later as they did live. With {@link Clock#REALTIME} the wall
 * clock rules and a batch is inserted as it comes.
 *
 * <p>Not thread-safe: one thread drives a session.
 */
public final class StreamSession implements AutoCloseable {

    /** Whose time windows and expiry follow. */
    public enum Clock { REALTIME, PSEUDO }

    private final KieSession session;
    private final ResultCollector collector;
    private final Clock clock;
    private long now;

    StreamSession(KieBase kieBase, Clock clock, RuleStatistics statistics) {
        KieSessionConfiguration conf = RuleBaseFactory.newKnowledgeSessionConfiguration();
        conf.setOption(clock == Clock.PSEUDO ? ClockTypeOption.PSEUDO : ClockTypeOption.REALTIME);
        this.session = kieBase.newKieSession(conf, null);
        this.clock = clock;
        this.collector = new ResultCollector(statistics);
        session.addEventListener((org.kie.api.event.rule.AgendaEventListener) collector);
        session.addEventListener((org.kie.api.event.rule.RuleRuntimeEventListener) collector);
    }

    /**
     * Inserts a batch and fires. Plain facts go in first, then events in timestamp order (with a
     * pseudo clock, advancing the clock to each event's time and firing when it moves).
     *
     * @param keep true to leave the facts in the session (events still expire); false to delete
     *             them once the batch has fired, which is right for facts that matter only now
     */
    public EvaluationResult insert(Collection<?> facts, boolean keep) {
        List<FactHandle> handles = keep ? null : new ArrayList<>(facts.size());
        // each event's time is read once (a method handle call per read), not once per comparison
        List<Timed> events = new ArrayList<>();
        for (Object fact : facts) {
            Optional<Long> ts = EventTimes.timestampOf(fact);
            if (ts.isPresent()) {
                events.add(new Timed(fact, ts.get()));
            } else {
                FactHandle h = session.insert(fact);
                if (handles != null) {
                    handles.add(h);
                }
            }
        }
        List<EvaluationResult> parts = new ArrayList<>();
        if (clock == Clock.PSEUDO) {
            events.sort(Comparator.comparingLong(Timed::ts));
            for (Timed event : events) {
                if (event.ts() > now) {
                    parts.add(collector.fire(session));
                    advance(event.ts());
                }
                FactHandle h = session.insert(event.fact());
                if (handles != null) {
                    handles.add(h);
                }
            }
        } else {
            for (Timed event : events) {
                FactHandle h = session.insert(event.fact());
                if (handles != null) {
                    handles.add(h);
                }
            }
        }
        parts.add(collector.fire(session));
        if (handles != null) {
            for (FactHandle h : handles) {
                if (session.getObject(h) != null) {
                    session.delete(h);
                }
            }
        }
        return EvaluationResult.merge(parts);
    }

    /** Moves a pseudo clock forward to {@code epochMillis}, expiring events and firing what that triggers. */
    public EvaluationResult advanceTo(long epochMillis) {
        if (clock != Clock.PSEUDO) {
            throw new IllegalStateException("only a pseudo-clock session can be advanced; this one follows the wall clock");
        }
        if (epochMillis > now) {
            advance(epochMillis);
        }
        return collector.fire(session);
    }

    /** The session's current time in epoch milliseconds. */
    public long now() {
        return session.getSessionClock().getCurrentTime();
    }

    /** Facts and events currently held. */
    public long factCount() {
        return session.getFactCount();
    }

    public Optional<Object> objectOf(FactHandle handle) {
        return Optional.ofNullable(session.getObject(handle));
    }

    /** An event and its time, read once. */
    private record Timed(Object fact, long ts) {
    }

    private void advance(long ts) {
        SessionPseudoClock pseudo = session.getSessionClock();
        pseudo.advanceTime(ts - pseudo.getCurrentTime(), TimeUnit.MILLISECONDS);
        now = ts;
    }

    @Override
    public void close() {
        session.dispose();
    }
}
