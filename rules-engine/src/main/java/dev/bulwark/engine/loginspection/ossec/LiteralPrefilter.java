package dev.bulwark.engine.loginspection.ossec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The multi-pattern prefilter of imported rules (rule 3 of the architecture): every OS_Match,
 * OS_Regex and PCRE2 pattern a rule tests names the literal text any match must contain (one of its
 * alternatives' texts); all of those literals go into one Aho–Corasick automaton, which reads a
 * subject once and marks every literal in it. A pattern none of whose literals is marked cannot
 * match, and is answered without running it. Thousands of sibling rules testing the same line then
 * cost one pass over the line plus a bit test each, where each used to scan the line itself.
 *
 * <p>The answer is only ever "cannot match" or "run the pattern": a pattern with no literal (an
 * empty alternative, {@code \w+}, a negated OS_Match, a PCRE2 alternative without a plain
 * run outside its groups), one with a non-ASCII literal, or one not yet
 * in the automaton always runs. Patterns are registered as rules first test them; the automaton is
 * rebuilt when the literals waiting for it reach a quarter of those in it, so a ruleset's patterns
 * are all covered after its first events and the total rebuild work stays linear. The registry is
 * bounded: past {@link #MAX_PATTERNS} patterns, new ones simply run unfiltered.
 *
 * <p>Matching folds case as {@link String#regionMatches(boolean, int, String, int, int)} does (both
 * dialects' matchers are at most that lenient): a subject character equals a literal character
 * when the lower cases of their upper cases agree, so the Kelvin sign still finds {@code k}.
 *
 * <p>Thread-safe: the automaton is immutable and swapped whole; each thread keeps the marks of its
 * last few subjects, recognised by identity (an event's fields are the same strings for every rule
 * that tests them).
 */
public final class LiteralPrefilter {

    /** Patterns registered at most; enough for several full rulesets. */
    public static final int MAX_PATTERNS = 65_536;

    static final LiteralPrefilter SHARED = new LiteralPrefilter();

    /** A pattern that cannot be prefiltered. */
    private static final int[] UNFILTERED = new int[0];

    private final Map<String, int[]> osmatch = new ConcurrentHashMap<>();
    private final Map<String, int[]> osregex = new ConcurrentHashMap<>();
    private final Map<String, int[]> pcre2 = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    /** Every literal registered, by id; guarded by {@link #lock}. */
    private final List<String> literals = new ArrayList<>();
    private final Map<String, Integer> literalIds = new HashMap<>();
    private volatile Automaton automaton = Automaton.build(List.of());
    private final ThreadLocal<Marks[]> marks = new ThreadLocal<>();

    LiteralPrefilter() {
    }

    /**
     * False when {@code pattern} in {@code dialect} certainly does not match anywhere in
     * {@code subject}; true when it may (the caller then runs it).
     */
    public boolean mayMatch(String dialect, String pattern, String subject) {
        Map<String, int[]> registry = switch (dialect) {
            case "osmatch" -> osmatch;
            case "osregex" -> osregex;
            case "pcre2", "ossec-pcre2" -> pcre2;
            default -> null;
        };
        if (registry == null || subject == null || pattern == null) {
            return true;
        }
        int[] ids = registry.get(pattern);
        if (ids == null) {
            ids = register(registry, dialect, pattern);
        }
        if (ids == UNFILTERED) {
            return true;
        }
        Automaton a = automaton;
        if (ids[ids.length - 1] >= a.literalCount) {
            return true; // registered after the automaton was built
        }
        long[] found = marksOf(a, subject);
        for (int id : ids) {
            if ((found[id >>> 6] & (1L << id)) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Builds the automaton over every literal registered so far (tests use it to cover all their patterns). */
    void coverAll() {
        synchronized (lock) {
            if (automaton.literalCount < literals.size()) {
                automaton = Automaton.build(List.copyOf(literals));
            }
        }
    }

    /** How many literals the current automaton holds (for tests and diagnostics). */
    int literalsCovered() {
        return automaton.literalCount;
    }

    private int[] register(Map<String, int[]> registry, String dialect, String pattern) {
        if (registered() >= MAX_PATTERNS) {
            return UNFILTERED; // full: run it, without reading it or taking the lock
        }
        List<String> required;
        try {
            required = switch (dialect) {
                case "osmatch" -> dev.bulwark.engine.helper.OsMatch.requiredLiterals(pattern);
                case "osregex" -> OsRegex.of(pattern).requiredLiterals();
                default -> {
                    PatternRef.Pcre2.of(pattern); // a broken pattern is the matcher's to report
                    yield PatternRef.Pcre2.requiredLiterals(pattern);
                }
            };
        } catch (IllegalArgumentException e) {
            return UNFILTERED; // the matcher itself reports a broken pattern
        }
        int[] ids = UNFILTERED;
        synchronized (lock) {
            int[] known = registry.get(pattern);
            if (known != null) {
                return known;
            }
            if (registered() >= MAX_PATTERNS) {
                return UNFILTERED;
            }
            if (required != null && !required.isEmpty() && required.stream().allMatch(LiteralPrefilter::foldable)) {
                ids = required.stream().map(LiteralPrefilter::fold).distinct().mapToInt(l -> literalIds.computeIfAbsent(l, k -> {
                    literals.add(k);
                    return literals.size() - 1;
                })).sorted().toArray();
            }
            registry.put(pattern, ids);
            int covered = automaton.literalCount;
            int waiting = literals.size() - covered;
            if (waiting > 0 && waiting >= Math.max(32, covered / 4)) {
                automaton = Automaton.build(List.copyOf(literals));
            }
        }
        return ids;
    }

    private int registered() {
        return osmatch.size() + osregex.size() + pcre2.size();
    }

    /** A literal the automaton can hold: non-empty, and ASCII once folded. */
    private static boolean foldable(String literal) {
        if (literal.isEmpty()) {
            return false;
        }
        for (int i = 0; i < literal.length(); i++) {
            if (fold(literal.charAt(i)) >= 128) {
                return false;
            }
        }
        return true;
    }

    private static String fold(String literal) {
        char[] out = new char[literal.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = fold(literal.charAt(i));
        }
        return new String(out);
    }

    /** The case-folded character, as {@code regionMatches(true, ...)} compares them. */
    static char fold(char c) {
        if (c < 128) {
            return c >= 'A' && c <= 'Z' ? (char) (c | 0x20) : c;
        }
        return Character.toLowerCase(Character.toUpperCase(c));
    }

    /** The marks of {@code subject} under {@code a}: from this thread's recent subjects, or by one pass. */
    private long[] marksOf(Automaton a, String subject) {
        Marks[] recent = marks.get();
        if (recent == null) {
            recent = new Marks[] {new Marks(), new Marks(), new Marks(), new Marks()};
            marks.set(recent);
        }
        for (Marks m : recent) {
            if (m.subject == subject && m.automaton == a) {
                return m.bits;
            }
        }
        Marks slot = recent[recent.length - 1];
        System.arraycopy(recent, 0, recent, 1, recent.length - 1);
        recent[0] = slot;
        slot.fill(a, subject);
        return slot.bits;
    }

    /** One subject's marks: a bit per literal found, and which words are set so they can be cleared. */
    private static final class Marks {
        String subject;
        Automaton automaton;
        long[] bits = new long[0];
        int[] touched = new int[16];
        int touchedCount;

        void fill(Automaton a, String s) {
            if (automaton != a) {
                bits = new long[a.words()];
                touchedCount = 0;
            } else {
                for (int i = 0; i < touchedCount; i++) {
                    bits[touched[i]] = 0;
                }
                touchedCount = 0;
            }
            automaton = a;
            subject = s;
            a.scan(s, this);
        }

        void mark(int id) {
            int w = id >>> 6;
            if (bits[w] == 0) {
                if (touchedCount == touched.length) {
                    touched = Arrays.copyOf(touched, touchedCount * 2);
                }
                touched[touchedCount++] = w;
            }
            bits[w] |= 1L << id;
        }
    }

    /**
     * Aho–Corasick over folded ASCII: the root has a full transition table (most characters of a
     * line leave it there), other states a short sorted list of children; failure links, and
     * output links to the nearest state on the failure chain where a literal ends.
     */
    static final class Automaton {
        final int literalCount;
        private final int[] rootNext = new int[128];
        private final int[] childStart;
        private final char[] childChar;
        private final int[] childTarget;
        private final int[] fail;
        private final int[] outputLink;
        private final int[] outStart;
        private final int[] outIds;

        private Automaton(int literalCount, int[] childStart, char[] childChar, int[] childTarget, int[] fail, int[] outputLink,
                          int[] outStart, int[] outIds) {
            this.literalCount = literalCount;
            this.childStart = childStart;
            this.childChar = childChar;
            this.childTarget = childTarget;
            this.fail = fail;
            this.outputLink = outputLink;
            this.outStart = outStart;
            this.outIds = outIds;
            for (int c = 0; c < 128; c++) {
                rootNext[c] = child(0, (char) c);
            }
        }

        int words() {
            return (literalCount + 63) >>> 6;
        }

        static Automaton build(List<String> literals) {
            // the trie, with a map of children per state while it grows
            List<Map<Character, Integer>> next = new ArrayList<>();
            List<List<Integer>> ends = new ArrayList<>();
            next.add(new HashMap<>());
            ends.add(new ArrayList<>());
            for (int id = 0; id < literals.size(); id++) {
                int s = 0;
                for (char c : literals.get(id).toCharArray()) {
                    Integer t = next.get(s).get(c);
                    if (t == null) {
                        t = next.size();
                        next.get(s).put(c, t);
                        next.add(new HashMap<>());
                        ends.add(new ArrayList<>());
                    }
                    s = t;
                }
                ends.get(s).add(id);
            }
            int n = next.size();
            int[] childStart = new int[n + 1];
            List<Character> chars = new ArrayList<>();
            List<Integer> targets = new ArrayList<>();
            for (int s = 0; s < n; s++) {
                childStart[s] = chars.size();
                List<Map.Entry<Character, Integer>> kids = new ArrayList<>(next.get(s).entrySet());
                kids.sort(Map.Entry.comparingByKey());
                for (Map.Entry<Character, Integer> k : kids) {
                    chars.add(k.getKey());
                    targets.add(k.getValue());
                }
            }
            childStart[n] = chars.size();
            char[] childChar = new char[chars.size()];
            int[] childTarget = new int[chars.size()];
            for (int i = 0; i < childChar.length; i++) {
                childChar[i] = chars.get(i);
                childTarget[i] = targets.get(i);
            }
            // failure and output links, breadth first
            int[] fail = new int[n];
            int[] outputLink = new int[n];
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            for (int i = childStart[0]; i < childStart[1]; i++) {
                queue.add(childTarget[i]);
            }
            while (!queue.isEmpty()) {
                int s = queue.poll();
                for (int i = childStart[s]; i < childStart[s + 1]; i++) {
                    char c = childChar[i];
                    int t = childTarget[i];
                    int f = fail[s];
                    int to;
                    while ((to = find(childStart, childChar, childTarget, f, c)) < 0 && f != 0) {
                        f = fail[f];
                    }
                    fail[t] = to >= 0 && to != t ? to : 0;
                    outputLink[t] = !ends.get(fail[t]).isEmpty() ? fail[t] : outputLink[fail[t]];
                    queue.add(t);
                }
            }
            int[] outStart = new int[n + 1];
            int total = 0;
            for (int s = 0; s < n; s++) {
                outStart[s] = total;
                total += ends.get(s).size();
            }
            outStart[n] = total;
            int[] outIds = new int[total];
            for (int s = 0, k = 0; s < n; s++) {
                for (int id : ends.get(s)) {
                    outIds[k++] = id;
                }
            }
            return new Automaton(literals.size(), childStart, childChar, childTarget, fail, outputLink, outStart, outIds);
        }

        private static int find(int[] childStart, char[] childChar, int[] childTarget, int s, char c) {
            for (int i = childStart[s], end = childStart[s + 1]; i < end; i++) {
                if (childChar[i] == c) {
                    return childTarget[i];
                }
                if (childChar[i] > c) {
                    return -1;
                }
            }
            return -1;
        }

        private int child(int s, char c) {
            return find(childStart, childChar, childTarget, s, c);
        }

        /** Marks every literal that occurs in {@code subject}. */
        void scan(String subject, Marks out) {
            int s = 0;
            for (int i = 0, n = subject.length(); i < n; i++) {
                char c = fold(subject.charAt(i));
                if (c >= 128) {
                    s = 0; // no literal holds it
                    continue;
                }
                int t;
                while ((t = s == 0 ? rootNext[c] : child(s, c)) < 0 && s != 0) {
                    s = fail[s];
                }
                s = Math.max(t, 0);
                if (s == 0) {
                    continue;
                }
                for (int o = outStart[s] < outStart[s + 1] ? s : outputLink[s]; o != 0; o = outputLink[o]) {
                    for (int k = outStart[o], end = outStart[o + 1]; k < end; k++) {
                        out.mark(outIds[k]);
                    }
                }
            }
        }
    }
}
