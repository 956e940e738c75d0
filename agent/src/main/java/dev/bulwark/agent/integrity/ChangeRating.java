package dev.bulwark.agent.integrity;

import dev.bulwark.engine.Finding;
import dev.bulwark.engine.evaluation.EvaluationResult;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.evaluation.RuleFailure;
import dev.bulwark.engine.integrity.EntityChange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks the integrity rules what each change means: each {@code FileChange} goes into the knowledge
 * base and comes back with the findings whose explanation matched it, so the severity, message
 * and rule id of a change are the rules' decision, never the collector's.
 */
public final class ChangeRating {

    /**
     * A change (a file pass's {@link IntegrityScan.Change}, or an {@link EntityChange}) with the
     * findings the rules raised for its fact, highest severity first.
     */
    public record Rated<C>(C change, List<Finding> findings) {
    }

    private final java.util.function.Supplier<LoadedKnowledgeBase> source;
    private LoadedKnowledgeBase kb;
    private boolean loaded;
    private List<RuleFailure> lastFailures = List.of();

    /**
     * Loads the knowledge base only when the first change needs rating: a pass that finds nothing
     * never pays for loading the rules.
     *
     * @param kb gives the knowledge base, or {@code null} when there is none
     */
    public ChangeRating(java.util.function.Supplier<LoadedKnowledgeBase> kb) {
        this.source = kb;
    }

    private LoadedKnowledgeBase kb() {
        if (!loaded) {
            kb = source.get();
            loaded = true;
        }
        return kb;
    }

    /** Rates changes whose fact is {@code fact.apply(change)}, in one evaluation. */
    public <C> List<Rated<C>> rate(List<C> changes, java.util.function.Function<C, Object> fact) {
        Map<Object, List<Finding>> byFact = findingsByFact(changes.stream().map(fact).toList());
        List<Rated<C>> out = new ArrayList<>(changes.size());
        for (C c : changes) {
            out.add(new Rated<>(c, sorted(byFact.get(fact.apply(c)))));
        }
        return out;
    }

    private Map<Object, List<Finding>> findingsByFact(List<?> facts) {
        Map<Object, List<Finding>> byFact = new IdentityHashMap<>();
        lastFailures = List.of();
        if (!facts.isEmpty() && kb() != null) {
            EvaluationResult r = kb().evaluate(facts);
            for (Finding f : r.findings()) {
                for (Object fact : f.explanation().facts()) {
                    byFact.computeIfAbsent(fact, k -> new ArrayList<>()).add(f);
                }
            }
            lastFailures = r.failures();
        }
        return byFact;
    }

    private static List<Finding> sorted(List<Finding> fs) {
        if (fs == null) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>(fs);
        out.sort(Comparator.comparing(Finding::severity).reversed());
        return List.copyOf(out);
    }

    /** Rules that threw during the last {@link #rate}; reported, never silent. */
    public List<RuleFailure> lastFailures() {
        return lastFailures;
    }
}
