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

    /** @param consequenceNanos total wall time spent in the rule's consequence */
    public record RuleCost(String ruleId, long fires, long consequenceNanos) {
    }

    private record Counter(LongAdder fires, LongAdder nanos) {
    }

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    void record(String ruleId, long nanos) {
        Counter c = counters.computeIfAbsent(ruleId, k -> new Counter(new LongAdder(), new LongAdder()));
        c.fires.increment();
        c.nanos.add(nanos);
    }

    /** Every rule that fired at least once, most fired first. */
    public List<RuleCost> snapshot() {
        List<RuleCost> out = new ArrayList<>();
        counters.forEach((id, c) -> out.add(new RuleCost(id, c.fires.sum(), c.nanos.sum())));
        out.sort(Comparator.comparingLong(RuleCost::fires).reversed().thenComparing(RuleCost::ruleId));
        return out;
    }

    public long fires(String ruleId) {
        Counter c = counters.get(ruleId);
        return c == null ? 0 : c.fires.sum();
    }
}
