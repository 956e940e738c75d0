package dev.bulwark.engine.loginspection.ossec;

import dev.bulwark.engine.helper.BoundedCache;
import dev.bulwark.engine.helper.BudgetedText;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OSSEC/Wazuh "OS_Regex" patterns, written from their documented syntax and checked against Wazuh's
 * own test ruleset: {@code \w} (letters, digits, {@code - @ _}), {@code \d}, {@code \s} (space),
 * {@code \t}, {@code \p} (punctuation), {@code \W \D \S} (their complements), {@code \.} (any
 * character), {@code +} and {@code *} after an element, {@code ^} and {@code $} anchors, one level
 * of {@code ( )} capture groups, and {@code |} separating whole alternatives, each with its own
 * anchors and its own captures. Every other character is literal; a backslash before a special
 * character ({@code \( \) \$ \| \\ \^ \+ \*}) makes it literal. Matching ignores ASCII case. A
 * repetition stops as soon as what follows it can match ({@code date=(\.*)\s} takes one word), and
 * takes all it can when nothing follows, as Wazuh's decoders rely on.
 *
 * <p>Each alternative is translated once to a {@link java.util.regex.Pattern}; matching reads the
 * subject through a step budget, so a pattern that would backtrack catastrophically is abandoned
 * (no match) instead of stalling the pipeline.
 */
public final class OsRegex {

    /** Character reads a single match may make before it is abandoned. */
    public static final long STEP_BUDGET = 1_000_000;
    /** Longest subject examined; OSSEC bounds events well below this. */
    public static final int MAX_SUBJECT = 65_536;

    private static final BoundedCache<String, OsRegex> CACHE = new BoundedCache<>(8192);
    private static final String PUNCT = "()*+,\\-.:;<=>?\\[\\]!\"'#$%&|{}";
    private static final java.util.concurrent.atomic.LongAdder ABANDONED = new java.util.concurrent.atomic.LongAdder();

    private final String source;
    private final List<Alternative> alternatives;

    /**
     * One alternative: its compiled form, plus literal text any match must contain, checked first
     * without the regex engine: {@code prefix} where the alternative is anchored ({@code ^sshd}),
     * otherwise its longest mandatory literal run. Most patterns fail on most lines; this makes
     * that failure cheap.
     */
    private record Alternative(Pattern pattern, String prefix, String literal) {
        boolean mayMatch(String s, int from) {
            if (prefix != null) {
                return s.length() - from >= prefix.length() && s.regionMatches(true, from, prefix, 0, prefix.length());
            }
            return literal == null || dev.bulwark.engine.helper.OsMatch.containsIgnoreCase(s, from, literal);
        }
    }

    /** A successful match: where it ended in the subject, and the captured groups in order. */
    public record Match(int end, List<String> captures) {
    }

    private OsRegex(String source, List<Alternative> alternatives) {
        this.source = source;
        this.alternatives = alternatives;
    }

    /** Compiles (or takes from the cache) a pattern; throws {@link IllegalArgumentException} naming what is wrong. */
    public static OsRegex of(String pattern) {
        return CACHE.get(pattern, OsRegex::compile);
    }

    public String source() {
        return source;
    }

    /**
     * Text that any match must contain somewhere (one per alternative: its anchored prefix, else its
     * mandatory literal), for a multi-pattern prefilter; null when an alternative demands none.
     */
    public List<String> requiredLiterals() {
        List<String> out = new ArrayList<>(alternatives.size());
        for (Alternative a : alternatives) {
            String t = a.prefix() != null ? a.prefix() : a.literal();
            if (t == null || t.isEmpty()) {
                return null;
            }
            out.add(t);
        }
        return out;
    }

    /** True when the pattern matches somewhere in {@code subject}; false for null. */
    public boolean matches(String subject) {
        return subject != null && find(subject, 0) != null;
    }

    /** The first alternative that matches {@code subject} from {@code from}, or null. */
    public Match find(String subject, int from) {
        if (subject == null || from > subject.length()) {
            return null;
        }
        String s = subject.length() > MAX_SUBJECT ? subject.substring(0, MAX_SUBJECT) : subject;
        if (from > s.length()) {
            return null;
        }
        for (Alternative a : alternatives) {
            if (!a.mayMatch(s, from)) {
                continue;
            }
            try {
                Matcher m = a.pattern().matcher(new BudgetedText(s, STEP_BUDGET));
                m.region(from, s.length());
                m.useAnchoringBounds(true);
                if (m.find()) {
                    List<String> caps = new ArrayList<>(m.groupCount());
                    for (int g = 1; g <= m.groupCount(); g++) {
                        caps.add(m.group(g));
                    }
                    return new Match(m.end(), caps);
                }
            } catch (BudgetedText.Exceeded e) {
                abandoned();
            }
        }
        return null;
    }

    static void abandoned() {
        ABANDONED.increment();
    }

    /** Matches abandoned for exceeding the step budget since start. */
    public static long abandonedMatches() {
        return ABANDONED.sum();
    }

    static OsRegex compile(String pattern) {
        if (pattern == null) {
            throw new IllegalArgumentException("os_regex pattern is missing");
        }
        List<Alternative> out = new ArrayList<>();
        for (String alt : splitAlternatives(pattern)) {
            Pattern p = Pattern.compile(translate(alt, pattern), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
            String[] lits = literals(alt);
            out.add(new Alternative(p, lits[0], lits[1]));
        }
        return new OsRegex(pattern, List.copyOf(out));
    }

    /**
     * The literal text an alternative demands: [0] the run right after a leading {@code ^} (or
     * null), [1] its longest mandatory literal run of two or more characters, else its least
     * common mandatory punctuation character (Cisco's {@code \p*\w+\s+\d*\s\d+:\d+:\d+:\s+%}
     * demands a {@code %}, which most lines lack), or null. A character followed by {@code *} is
     * optional and ends a run; escapes other than the special-character ones end a run too.
     */
    static String[] literals(String alt) {
        String prefix = null;
        String longest = null;
        char single = 0;
        StringBuilder run = new StringBuilder();
        boolean anchored = alt.startsWith("^");
        boolean atStart = anchored;
        int end = alt.length();
        if (end > 0 && alt.charAt(end - 1) == '$' && (end < 2 || alt.charAt(end - 2) != '\\')) {
            end--;
        }
        for (int i = anchored ? 1 : 0; i <= end; i++) {
            char c = i < end ? alt.charAt(i) : 0;
            Character lit = null;
            int width = 1;
            if (i < end && c == '\\' && i + 1 < end) {
                width = 2;
                if ("()$|\\^+*<>".indexOf(alt.charAt(i + 1)) >= 0) {
                    lit = alt.charAt(i + 1);
                }
            } else if (i < end && c != '\\' && c != '(' && c != ')' && c != '+' && c != '*') {
                lit = c;
            }
            char next = i + width < end ? alt.charAt(i + width) : 0;
            if (lit != null && next != '*') {
                run.append(lit);
                i += width - 1;
                continue;
            }
            if (c == '(' || c == ')') {
                continue; // a group does not interrupt what is mandatory
            }
            if (atStart && run.length() > 0) {
                prefix = run.toString();
            }
            atStart = false;
            if (run.length() >= 2 && (longest == null || run.length() > longest.length())) {
                longest = run.toString();
            }
            for (int k = 0; k < run.length(); k++) {
                if (rarity(run.charAt(k)) > rarity(single)) {
                    single = run.charAt(k);
                }
            }
            run.setLength(0);
            i += width - 1;
        }
        if (longest == null && rarity(single) > 0) {
            longest = String.valueOf(single);
        }
        return new String[] {prefix, longest};
    }

    /** How rarely a character occurs in log text, roughly: 0 for letters, digits, spaces (never used alone). */
    private static int rarity(char c) {
        if (c == 0 || Character.isLetterOrDigit(c) || Character.isWhitespace(c)) {
            return 0;
        }
        if ("%#@{}[]<>\"'=&!?;|~^$()*+`".indexOf(c) >= 0) {
            return 3;
        }
        return c == ':' ? 1 : 2;
    }

    /** Splits on every {@code |} not escaped by a backslash. */
    static List<String> splitAlternatives(String pattern) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                cur.append(c).append(pattern.charAt(++i));
            } else if (c == '|') {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts;
    }

    private static String translate(String alt, String whole) {
        StringBuilder re = new StringBuilder();
        int n = alt.length();
        int i = 0;
        if (n > 0 && alt.charAt(0) == '^') {
            re.append('^');
            i = 1;
        }
        boolean endAnchor = n > i && alt.charAt(n - 1) == '$' && (n < 2 || alt.charAt(n - 2) != '\\');
        int end = endAnchor ? n - 1 : n;
        int depth = 0;
        boolean element = false;
        for (; i < end; i++) {
            char c = alt.charAt(i);
            switch (c) {
                case '\\' -> {
                    if (i + 1 >= end) {
                        throw new IllegalArgumentException("os_regex '" + whole + "' ends with a lone backslash");
                    }
                    re.append(escape(alt.charAt(++i)));
                    element = true;
                }
                case '(' -> {
                    if (depth > 0) {
                        throw new IllegalArgumentException("os_regex '" + whole + "' nests groups; OS_Regex allows one level of ( )");
                    }
                    depth++;
                    re.append('(');
                    element = false;
                }
                case ')' -> {
                    if (depth == 0) {
                        throw new IllegalArgumentException("os_regex '" + whole + "' closes a group it never opened");
                    }
                    depth--;
                    re.append(')');
                    element = false;
                }
                case '+', '*' -> {
                    if (element) {
                        // OS_Regex ends a repetition where what follows can start; at the end it takes all it can
                        re.append(c).append(followedByElement(alt, i + 1, end) ? "?" : "");
                        element = false;
                    } else {
                        re.append('\\').append(c);
                        element = true;
                    }
                }
                default -> {
                    re.append(literal(c));
                    element = true;
                }
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("os_regex '" + whole + "' leaves a group open");
        }
        if (endAnchor) {
            re.append('$');
        }
        return re.toString();
    }

    /** True when an element (not just group ends) follows position {@code from} before {@code end}. */
    private static boolean followedByElement(String alt, int from, int end) {
        for (int k = from; k < end; k++) {
            if (alt.charAt(k) != ')') {
                return true;
            }
        }
        return false;
    }

    private static String escape(char c) {
        return switch (c) {
            case 'w' -> "[A-Za-z0-9@_\\-]";
            case 'W' -> "[^A-Za-z0-9@_\\-]";
            case 'd' -> "[0-9]";
            case 'D' -> "[^0-9]";
            case 's' -> " ";
            case 'S' -> "[^ ]";
            case 't' -> "\\t";
            case 'p' -> "[" + PUNCT + "]";
            case '.' -> ".";
            default -> literal(c);
        };
    }

    private static String literal(char c) {
        return Character.isLetterOrDigit(c) || c == ' ' ? String.valueOf(c) : "\\x{" + Integer.toHexString(c) + "}";
    }

    @Override
    public String toString() {
        return source;
    }
}
