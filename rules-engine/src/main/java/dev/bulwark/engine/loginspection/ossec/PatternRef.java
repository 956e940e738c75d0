package dev.bulwark.engine.loginspection.ossec;

import dev.bulwark.engine.helper.OsMatch;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A decoder or rule pattern in one of the three dialects OSSEC/Wazuh rulesets use:
 * {@code osregex} ({@link OsRegex}), {@code osmatch} ({@link OsMatch}) and {@code pcre2} (run by
 * {@link java.util.regex} with a step budget), with the decoder offset it starts from and whether
 * it is negated. Compiling checks the pattern, so a ruleset with a broken one is refused at import.
 *
 * <p>{@code ossec-pcre2} is PCRE2 as OSSEC 3.x's decoders run it ({@code <pcre2>},
 * {@code <prematch_pcre2>}): the same matching, but a match hands over only the groups that took
 * part in it, in order, so each alternative of {@code (a)(b)|(c)(d)} fills the same two fields.
 * Wazuh's {@code type="pcre2"} keeps every group in its place.
 */
public record PatternRef(String text, String dialect, String offset, boolean negate) {

    public PatternRef {
        dialect = dialect == null ? "osregex" : dialect.toLowerCase(Locale.ROOT);
        if (!List.of("osregex", "osmatch", "pcre2", "ossec-pcre2").contains(dialect)) {
            throw new IllegalArgumentException("unknown pattern type '" + dialect + "'; use osregex, osmatch or pcre2");
        }
        text = text == null ? "" : text;
    }

    /** Checks that the pattern compiles; throws {@link IllegalArgumentException} with the reason. */
    public PatternRef validated() {
        switch (dialect) {
            case "osregex" -> OsRegex.of(text);
            case "pcre2", "ossec-pcre2" -> Pcre2.of(text);
            default -> OsMatch.find(text, "");
        }
        return this;
    }

    /** Matches {@code subject} from {@code from}; null when it does not match (negation is the caller's). */
    public OsRegex.Match find(String subject, int from) {
        return find(dialect, text, subject, from);
    }

    /**
     * {@code text} in {@code dialect} matched against {@code subject} from {@code from}; null when it
     * does not match. A pattern whose literals the subject lacks ({@link LiteralPrefilter}) is not run.
     */
    static OsRegex.Match find(String dialect, String text, String subject, int from) {
        if (subject == null || !LiteralPrefilter.SHARED.mayMatch(dialect, text, subject)) {
            return null;
        }
        return switch (dialect) {
            case "osregex" -> OsRegex.of(text).find(subject, from);
            case "pcre2" -> Pcre2.of(text).find(subject, from);
            case "ossec-pcre2" -> {
                OsRegex.Match m = Pcre2.of(text).find(subject, from);
                yield m == null || !m.captures().contains(null) ? m
                        : new OsRegex.Match(m.end(), m.captures().stream().filter(java.util.Objects::nonNull).toList());
            }
            default -> {
                String s = from == 0 ? subject : subject.substring(Math.min(from, subject.length()));
                yield OsMatch.find(text, s) ? new OsRegex.Match(subject.length(), List.of()) : null;
            }
        };
    }

    /** True when the pattern matches {@code subject}, taking negation into account; a null subject never matches. */
    public boolean test(String subject) {
        if (subject == null) {
            return false;
        }
        return (find(subject, 0) != null) != negate;
    }

    /** PCRE2 patterns as Wazuh runs them, through java.util.regex with a step budget. */
    static final class Pcre2 {
        private static final dev.bulwark.engine.helper.BoundedCache<String, Pcre2> CACHE = new dev.bulwark.engine.helper.BoundedCache<>(4096);
        private final Pattern pattern;

        private Pcre2(Pattern pattern) {
            this.pattern = pattern;
        }

        static Pcre2 of(String text) {
            return CACHE.get(text, t -> {
                try {
                    return new Pcre2(Pattern.compile(toJava(t)));
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw new IllegalArgumentException("pcre2 pattern does not compile: " + e.getDescription() + " at index " + e.getIndex());
                }
            });
        }

        /** Leading PCRE2 option verbs that change nothing for a Java pattern over Java strings. */
        private static final java.util.Set<String> NEUTRAL_VERBS = java.util.Set.of("UTF", "UTF8", "UTF16", "UTF32", "NO_START_OPT",
                "NO_AUTO_POSSESS", "NO_DOTSTAR_ANCHOR", "NO_JIT");

        /**
         * PCRE2 syntax that {@link java.util.regex} spells differently: leading option verbs
         * ({@code (*UTF)} is dropped, subjects being Unicode already; {@code (*UCP)} becomes
         * {@code (?U)}) and {@code \N{U+hhhh}} (a code point) becomes {@code \x{hhhh}}. Anything
         * else is left as written, so syntax Java lacks still fails to compile and is refused.
         */
        static String toJava(String pcre) {
            String t = pcre;
            String prefix = "";
            while (t.startsWith("(*")) {
                int close = t.indexOf(')');
                String verb = close < 0 ? "" : t.substring(2, close);
                if (verb.equals("UCP")) {
                    prefix = "(?U)";
                } else if (!NEUTRAL_VERBS.contains(verb)) {
                    break;
                }
                t = t.substring(close + 1);
            }
            if (!t.contains("\\N{U+")) {
                return prefix + t;
            }
            StringBuilder b = new StringBuilder(prefix);
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (c == '\\' && i + 1 < t.length()) {
                    if (t.startsWith("N{U+", i + 1)) {
                        b.append("\\x{");
                        i += 4;
                    } else {
                        b.append(c).append(t.charAt(++i));
                    }
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }

        /**
         * Text any match must contain (one per top-level alternative: its longest run of plain
         * characters outside groups, classes and quantifiers), for the multi-pattern prefilter;
         * null when an alternative has none or the pattern uses syntax this reading does not
         * follow (quoting, comments mode). Case is ignored, which only ever lets more through.
         */
        static List<String> requiredLiterals(String pcre) {
            String pattern = toJava(pcre);
            List<String> out = new java.util.ArrayList<>();
            StringBuilder run = new StringBuilder();
            String longest = "";
            int n = pattern.length();
            for (int i = 0; i <= n; i++) {
                char c = i < n ? pattern.charAt(i) : '|';
                if (c == '|') {
                    longest = longer(run, longest);
                    if (longest.isEmpty()) {
                        return null;
                    }
                    out.add(longest);
                    longest = "";
                    run.setLength(0);
                    continue;
                }
                Character literal = null;
                int width = 1;
                if (c == '\\') {
                    if (i + 1 >= n) {
                        return null;
                    }
                    char e = pattern.charAt(i + 1);
                    if (e == 'Q' || e == 'E') {
                        return null;
                    }
                    if (Character.isLetterOrDigit(e)) {
                        int end = escapeEnd(pattern, i + 1);
                        if (end < 0) {
                            return null;
                        }
                        width = end - i;
                    } else {
                        literal = e;
                        width = 2;
                    }
                } else if (c == '[') {
                    int end = classEnd(pattern, i);
                    if (end < 0) {
                        return null;
                    }
                    width = end - i;
                } else if (c == '(') {
                    if (pattern.startsWith("(?", i) && i + 2 < n && pattern.charAt(i + 2) != ':') {
                        // an inline flag group that reaches past itself: comments mode changes what is literal
                        int close = pattern.indexOf(')', i);
                        int colon = pattern.indexOf(':', i);
                        boolean flagsOnly = close > 0 && (colon < 0 || colon > close);
                        if (flagsOnly && pattern.substring(i, close).indexOf('x') >= 0) {
                            return null;
                        }
                    }
                    int end = groupEnd(pattern, i);
                    if (end < 0) {
                        return null;
                    }
                    width = end - i;
                } else if (c == '{') {
                    // a counted repetition: its digits and comma are not text
                    int close = pattern.indexOf('}', i);
                    if (close < 0) {
                        return null;
                    }
                    width = close + 1 - i;
                } else if (".^$)?*+}".indexOf(c) < 0) {
                    literal = c;
                }
                int after = i + width;
                char next = after < n ? pattern.charAt(after) : 0;
                if (literal != null && next != '?' && next != '*' && next != '{') {
                    run.append(literal.charValue());
                    if (next == '+') {
                        longest = longer(run, longest);
                        run.setLength(0);
                    }
                } else {
                    longest = longer(run, longest);
                    run.setLength(0);
                }
                i = after - 1;
            }
            return out;
        }

        private static String longer(StringBuilder run, String longest) {
            return run.length() > longest.length() ? run.toString() : longest;
        }

        /** Where an escape that starts with a letter or digit at {@code at} ends (exclusive), or -1. */
        private static int escapeEnd(String p, int at) {
            char e = p.charAt(at);
            int i = at + 1;
            switch (e) {
                case 'x' -> {
                    if (i < p.length() && p.charAt(i) == '{') {
                        int close = p.indexOf('}', i);
                        return close < 0 ? -1 : close + 1;
                    }
                    return Math.min(p.length(), i + 2);
                }
                case 'u' -> {
                    return Math.min(p.length(), i + 4);
                }
                case 'c' -> {
                    return Math.min(p.length(), i + 1);
                }
                case 'b', 'B' -> {
                    // a boundary, or a grapheme boundary written \\b{g}
                    if (i < p.length() && p.charAt(i) == '{') {
                        int close = p.indexOf('}', i);
                        return close < 0 ? -1 : close + 1;
                    }
                    return i;
                }
                case 'p', 'P', 'N', 'k' -> {
                    if (i < p.length() && (p.charAt(i) == '{' || p.charAt(i) == '<')) {
                        int close = p.indexOf(p.charAt(i) == '{' ? '}' : '>', i);
                        return close < 0 ? -1 : close + 1;
                    }
                    return Math.min(p.length(), i + 1);
                }
                default -> {
                    if (Character.isDigit(e)) {
                        while (i < p.length() && Character.isDigit(p.charAt(i))) {
                            i++;
                        }
                    }
                    return i;
                }
            }
        }

        /** Where the character class opened at {@code at} closes (exclusive), nested classes included, or -1. */
        private static int classEnd(String p, int at) {
            int depth = 0;
            for (int i = at; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '[') {
                    depth++;
                    // a ']' right after '[' or '[^' is a member, not the end
                    if (i + 1 < p.length() && p.charAt(i + 1) == '^') {
                        i++;
                    }
                    if (i + 1 < p.length() && p.charAt(i + 1) == ']') {
                        i++;
                    }
                } else if (c == ']' && --depth == 0) {
                    return i + 1;
                }
            }
            return -1;
        }

        /** Where the group opened at {@code at} closes (exclusive), skipping escapes and classes, or -1. */
        private static int groupEnd(String p, int at) {
            int depth = 0;
            for (int i = at; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '[') {
                    int end = classEnd(p, i);
                    if (end < 0) {
                        return -1;
                    }
                    i = end - 1;
                } else if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    return i + 1;
                }
            }
            return -1;
        }

        OsRegex.Match find(String subject, int from) {
            String s = subject.length() > OsRegex.MAX_SUBJECT ? subject.substring(0, OsRegex.MAX_SUBJECT) : subject;
            if (from > s.length()) {
                return null;
            }
            Matcher m = pattern.matcher(new dev.bulwark.engine.helper.BudgetedText(s, OsRegex.STEP_BUDGET));
            m.region(from, s.length());
            try {
                if (!m.find()) {
                    return null;
                }
            } catch (dev.bulwark.engine.helper.BudgetedText.Exceeded | StackOverflowError e) {
                OsRegex.abandoned();
                return null;
            }
            List<String> caps = new java.util.ArrayList<>();
            for (int g = 1; g <= m.groupCount(); g++) {
                caps.add(m.group(g));
            }
            return new OsRegex.Match(m.end(), caps);
        }
    }
}
