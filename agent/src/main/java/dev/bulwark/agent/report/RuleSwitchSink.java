package dev.bulwark.agent.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies the policy's rule assignment to what a module reports: results of rules switched off
 * ({@code rules.<ID>} = off) are dropped before they reach the sink, and counted. The rules still
 * run (correlations keep their state), so switching one back on changes only what is reported.
 */
public final class RuleSwitchSink implements EventSink {
    private final EventSink delegate;
    private final Set<String> off;
    private final AtomicLong suppressed = new AtomicLong();

    public RuleSwitchSink(EventSink delegate, Set<String> off) {
        this.delegate = delegate;
        this.off = Set.copyOf(off);
    }

    /** The rule ids a policy's settings switch off. */
    public static Set<String> switchedOff(Map<String, String> settings) {
        Set<String> out = new TreeSet<>();
        settings.forEach((k, v) -> {
            if (k.startsWith("rules.") && "off".equals(v)) {
                out.add(k.substring("rules.".length()));
            }
        });
        return out;
    }

    @Override
    public void append(List<ObjectNode> events) throws IOException {
        if (off.isEmpty()) {
            delegate.append(events);
            return;
        }
        List<ObjectNode> kept = new ArrayList<>(events.size());
        for (ObjectNode e : events) {
            if (off.contains(e.path("ruleId").asText(""))) {
                suppressed.incrementAndGet();
            } else {
                kept.add(e);
            }
        }
        delegate.append(kept);
    }

    public long suppressed() {
        return suppressed.get();
    }

    @Override
    public long length() throws IOException {
        return delegate.length();
    }

    @Override
    public void truncateTo(long mark) throws IOException {
        delegate.truncateTo(mark);
    }

    @Override
    public void commit() throws IOException {
        delegate.commit();
    }

    /** The delegate stays open: it outlives the policy this filter was made for. */
    @Override
    public void close() {
    }
}
