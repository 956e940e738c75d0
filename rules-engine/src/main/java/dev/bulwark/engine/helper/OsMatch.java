package dev.bulwark.engine.helper;

import java.util.List;
import java.util.Locale;

/**
 * OSSEC/Wazuh "OS_Match" (sregex) patterns, as their {@code <match>} and {@code program_name} use
 * them: alternatives separated by {@code |}; each is a plain string, tested case-insensitively,
 * {@code ^text$} for equality, {@code ^text} for a prefix, {@code text$} for a suffix, otherwise
 * anywhere; an empty alternative matches anything; a leading {@code !} negates the whole pattern.
 * No other special characters. Written from the
 * documented behaviour. Imported rules call it by class name; compiled forms are cached (bounded).
 */
public final class OsMatch {

    private enum Kind { EQUALS, PREFIX, SUFFIX, CONTAINS, ANY }

    private record Alternative(Kind kind, String text) {
    }

    /**
     * @param anchored  the alternatives tested at fixed places (equal, prefix, suffix, anything)
     * @param byFirst   the "anywhere" alternatives by their first character (ASCII, lower case), so
     *                  that one pass over the subject serves all of them; {@code null} when one of them
     *                  starts with a non-ASCII character, and they are then searched one by one
     * @param contains  the "anywhere" alternatives, for that case
     * @param negate    the pattern began with {@code !}: it matches where the rest does not
     */
    private record Compiled(List<Alternative> anchored, Alternative[][] byFirst, Alternative[] contains, boolean negate) {
    }

    private static final BoundedCache<String, Compiled> CACHE = new BoundedCache<>(4096);

    private OsMatch() {
    }

    /** True when {@code subject} matches any alternative of {@code pattern}; false for a null subject. */
    public static boolean find(String pattern, String subject) {
        if (pattern == null || subject == null) {
            return false;
        }
        Compiled compiled = CACHE.get(pattern, OsMatch::compile);
        return matchesAny(compiled, subject) != compiled.negate();
    }

    private static boolean matchesAny(Compiled c, String s) {
        int n = s.length();
        for (Alternative a : c.anchored()) {
            String t = a.text();
            int m = t.length();
            boolean hit = switch (a.kind()) {
                case ANY -> true;
                case EQUALS -> n == m && s.regionMatches(true, 0, t, 0, m);
                case PREFIX -> n >= m && s.regionMatches(true, 0, t, 0, m);
                case SUFFIX -> n >= m && s.regionMatches(true, n - m, t, 0, m);
                case CONTAINS -> throw new IllegalStateException("'anywhere' alternatives are kept apart, in contains");
            };
            if (hit) {
                return true;
            }
        }
        if (c.contains().length == 0) {
            return false;
        }
        if (c.byFirst() == null) {
            for (Alternative a : c.contains()) {
                if (containsIgnoreCase(s, 0, a.text())) {
                    return true;
                }
            }
            return false;
        }
        // One pass for every "anywhere" alternative: at each position, only those whose first
        // character is this one (either case) are compared. A non-ASCII character may still fold to
        // an ASCII one (the Kelvin sign to 'k'): there every alternative is tried, as regionMatches
        // would compare them.
        Alternative[][] byFirst = c.byFirst();
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            Alternative[] candidates;
            if (ch < 128) {
                candidates = byFirst[ch | (ch >= 'A' && ch <= 'Z' ? 0x20 : 0)];
                if (candidates == null) {
                    continue;
                }
            } else {
                candidates = c.contains();
            }
            for (Alternative a : candidates) {
                String t = a.text();
                int m = t.length();
                if (i <= n - m && s.regionMatches(true, i, t, 0, m)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Text that any match of {@code pattern} must contain somewhere (one of them, in lower case),
     * for a multi-pattern prefilter; null when no such text exists (an empty alternative, or a
     * negated pattern, which matches where its text is absent).
     */
    public static List<String> requiredLiterals(String pattern) {
        if (pattern == null) {
            return null;
        }
        Compiled c = CACHE.get(pattern, OsMatch::compile);
        if (c.negate()) {
            return null;
        }
        List<String> out = new java.util.ArrayList<>();
        for (Alternative a : c.anchored()) {
            if (a.kind() == Kind.ANY || a.text().isEmpty()) {
                return null;
            }
            out.add(a.text());
        }
        for (Alternative a : c.contains()) {
            out.add(a.text());
        }
        return out;
    }

    /**
     * Case-insensitive (simple case folding) search for {@code t} in {@code s} from {@code from},
     * without copying the subject. Shared with OS_Regex's literal prefilter.
     */
    public static boolean containsIgnoreCase(String s, int from, String t) {
        int m = t.length();
        if (m == 0) {
            return from <= s.length();
        }
        // look for the first character (either case) before comparing the rest
        char first = t.charAt(0);
        char lower = Character.toLowerCase(first);
        char upper = Character.toUpperCase(first);
        for (int i = Math.max(0, from), last = s.length() - m; i <= last; i++) {
            char c = s.charAt(i);
            if ((c == lower || c == upper || c == first || Character.toLowerCase(c) == lower || Character.toUpperCase(c) == upper)
                    && s.regionMatches(true, i, t, 0, m)) {
                return true;
            }
        }
        return false;
    }

    private static Compiled compile(String pattern) {
        // OS_Match negates a whole pattern that begins with '!' (os_match's compile step)
        boolean negate = pattern.startsWith("!");
        String[] parts = (negate ? pattern.substring(1) : pattern).toLowerCase(Locale.ROOT).split("\\|", -1);
        Alternative[] out = new Alternative[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            boolean begin = p.startsWith("^");
            boolean end = p.length() > (begin ? 1 : 0) && p.endsWith("$");
            String core = p.substring(begin ? 1 : 0, p.length() - (end ? 1 : 0));
            Kind kind;
            if (begin && end) {
                kind = Kind.EQUALS;
            } else if (p.isEmpty()) {
                kind = Kind.ANY;
            } else if (end) {
                kind = Kind.SUFFIX;
            } else if (begin) {
                kind = Kind.PREFIX;
            } else {
                kind = Kind.CONTAINS;
            }
            out[i] = new Alternative(kind, core);
        }
        List<Alternative> anchored = new java.util.ArrayList<>();
        List<Alternative> contains = new java.util.ArrayList<>();
        for (Alternative a : out) {
            (a.kind() == Kind.CONTAINS ? contains : anchored).add(a);
        }
        Alternative[][] byFirst = new Alternative[128][];
        for (Alternative a : contains) {
            char f = a.text().charAt(0);
            if (f >= 128 || Character.toUpperCase(f) >= 128) {
                byFirst = null;
                break;
            }
            Alternative[] list = byFirst[f];
            byFirst[f] = list == null ? new Alternative[] {a} : java.util.Arrays.copyOf(list, list.length + 1);
            byFirst[f][byFirst[f].length - 1] = a;
        }
        return new Compiled(List.copyOf(anchored), byFirst, contains.toArray(Alternative[]::new), negate);
    }
}
