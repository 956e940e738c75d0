package dev.bulwark.authoring.whatif;

import dev.bulwark.engine.Finding;
import dev.bulwark.engine.Severity;
import dev.bulwark.engine.evaluation.EvaluationResult;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.evaluation.StreamSession;
import dev.bulwark.engine.loginspection.LogEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Two long-lived sessions, one per rule set, fed the same facts in the same order (pseudo clock:
 * windows mean on a replay what they meant live). After each fact the findings of both are
 * compared: same rule and evidence on both sides is unchanged (or a severity or message change);
 * the rest of a rule's findings are paired by rule id (changed), and what is left appeared or
 * disappeared. Log events stay in the sessions until they expire, as on an agent; other facts
 * leave after their own evaluation.
 */
public final class WhatIf implements AutoCloseable {

    public enum Kind { APPEARED, DISAPPEARED, CHANGED }

    /** One difference. {@code before} is null for APPEARED, {@code after} for DISAPPEARED. */
    public record Change(Kind kind, String source, long line, String ruleId, Finding before, Finding after) {
        public Severity severityBefore() {
            return before == null ? null : before.severity();
        }

        public Severity severityAfter() {
            return after == null ? null : after.severity();
        }
    }

    /** Findings of one rule on both sides. */
    public record RuleCounts(long current, long candidate) {
    }

    /**
     * @param changes the first {@code limit} differences, in replay order
     * @param perRule every rule that raised anything on either side, by id
     */
    public record Report(long facts, long currentFindings, long candidateFindings, long appeared, long disappeared, long changed,
                         long unchanged, List<Change> changes, Map<String, RuleCounts> perRule, List<ReplayInput.Skipped> skipped) {
        public boolean differs() {
            return appeared + disappeared + changed > 0;
        }
    }

    private final StreamSession current;
    private final StreamSession candidate;
    private final int limit;
    private final List<Change> changes = new ArrayList<>();
    private final Map<String, long[]> perRule = new TreeMap<>();
    private final List<ReplayInput.Skipped> skipped = new ArrayList<>();
    private long facts;
    private long currentFindings;
    private long candidateFindings;
    private long appeared;
    private long disappeared;
    private long changed;
    private long unchanged;

    public WhatIf(LoadedKnowledgeBase current, LoadedKnowledgeBase candidate, int limit) {
        this.current = current.openSession(StreamSession.Clock.PSEUDO);
        this.candidate = candidate.openSession(StreamSession.Clock.PSEUDO);
        this.limit = limit;
    }

    public void skipped(ReplayInput.Skipped s) {
        skipped.add(s);
    }

    public void replay(ReplayInput.Item item) {
        facts++;
        boolean keep = item.fact() instanceof LogEvent;
        EvaluationResult a = current.insert(List.of(item.fact()), keep);
        EvaluationResult b = candidate.insert(List.of(item.fact()), keep);
        compare(item, a.findings(), b.findings());
    }

    private void compare(ReplayInput.Item item, List<Finding> before, List<Finding> after) {
        currentFindings += before.size();
        candidateFindings += after.size();
        before.forEach(f -> perRule.computeIfAbsent(f.ruleId(), k -> new long[2])[0]++);
        after.forEach(f -> perRule.computeIfAbsent(f.ruleId(), k -> new long[2])[1]++);
        List<Finding> left = new ArrayList<>(before);
        List<Finding> right = new ArrayList<>(after);
        // same rule, same evidence: the same finding (its severity or wording may still differ)
        for (Iterator<Finding> it = left.iterator(); it.hasNext(); ) {
            Finding f = it.next();
            Finding twin = take(right, f, true);
            if (twin != null) {
                it.remove();
                if (twin.severity() == f.severity() && twin.message().equals(f.message())) {
                    unchanged++;
                } else {
                    record(Kind.CHANGED, item, f.ruleId(), f, twin);
                }
            }
        }
        // same rule, different evidence: changed
        for (Iterator<Finding> it = left.iterator(); it.hasNext(); ) {
            Finding f = it.next();
            Finding twin = take(right, f, false);
            if (twin != null) {
                it.remove();
                record(Kind.CHANGED, item, f.ruleId(), f, twin);
            }
        }
        left.forEach(f -> record(Kind.DISAPPEARED, item, f.ruleId(), f, null));
        right.forEach(f -> record(Kind.APPEARED, item, f.ruleId(), null, f));
    }

    private static Finding take(List<Finding> from, Finding like, boolean sameEvidence) {
        for (Iterator<Finding> it = from.iterator(); it.hasNext(); ) {
            Finding f = it.next();
            if (f.ruleId().equals(like.ruleId()) && (!sameEvidence || f.evidence().equals(like.evidence()))) {
                it.remove();
                return f;
            }
        }
        return null;
    }

    private void record(Kind kind, ReplayInput.Item item, String ruleId, Finding before, Finding after) {
        switch (kind) {
            case APPEARED -> appeared++;
            case DISAPPEARED -> disappeared++;
            case CHANGED -> changed++;
        }
        if (changes.size() < limit) {
            changes.add(new Change(kind, item.source(), item.line(), ruleId, before, after));
        }
    }

    public Report report() {
        Map<String, RuleCounts> rules = new TreeMap<>();
        perRule.forEach((id, c) -> rules.put(id, new RuleCounts(c[0], c[1])));
        return new Report(facts, currentFindings, candidateFindings, appeared, disappeared, changed, unchanged, List.copyOf(changes),
                rules, List.copyOf(skipped));
    }

    @Override
    public void close() {
        current.close();
        candidate.close();
    }
}
