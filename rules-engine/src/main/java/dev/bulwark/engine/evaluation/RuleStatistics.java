package dev.bulwark.engine.evaluation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How often each rule fired and how long its consequences took, across every session of one
 * loaded knowledge base. Safe to read while sessions run. This is consequence time only: the
 * cost of matching is shared by the network and is not attributed to single rules.
 */
public final class RuleStatistics {

    /** @param consequenceNanos total wall time spent in the rule's consequence; @param failures times it threw */
    public record RuleCost(String ruleId, long fires, long consequenceNanos, long failures) {
    }

    private record Counter(LongAdder fires, LongAdder nanos, LongAdder failures) {
        Counter() {
            this(new LongAdder(), new LongAdder(), new LongAdder());
        }
    }

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    void record(String ruleId, long nanos) {
        Counter c = counters.computeIfAbsent(ruleId, k -> new Counter());
        c.fires.increment();
        c.nanos.add(nanos);
    }

    void recordFailure(String ruleId) {
        counters.computeIfAbsent(ruleId == null ? "(unknown)" : ruleId, k -> new Counter()).failures.increment();
    }

    public long failures(String ruleId) {
        Counter c = counters.get(ruleId);
        return c == null ? 0 : c.failures.sum();
    }

    /** Every rule that fired or failed at least once, most fired first. */
    public List<RuleCost> snapshot() {
        List<RuleCost> out = new ArrayList<>();
        counters.forEach((id, c) -> out.add(new RuleCost(id, c.fires.sum(), c.nanos.sum(), c.failures.sum())));
        out.sort(Comparator.comparingLong(RuleCost::fires).reversed().thenComparing(RuleCost::ruleId));
        return out;
    }

    public long fires(String ruleId) {
        Counter c = counters.get(ruleId);
        return c == null ? 0 : c.fires.sum();
    }
}
