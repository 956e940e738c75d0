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
 */
public record PatternRef(String text, String dialect, String offset, boolean negate) {

    public PatternRef {
        dialect = dialect == null ? "osregex" : dialect.toLowerCase(Locale.ROOT);
        if (!List.of("osregex", "osmatch", "pcre2").contains(dialect)) {
            throw new IllegalArgumentException("unknown pattern type '" + dialect + "'; use osregex, osmatch or pcre2");
        }
        text = text == null ? "" : text;
    }

    /** Checks that the pattern compiles; throws {@link IllegalArgumentException} with the reason. */
    public PatternRef validated() {
        switch (dialect) {
            case "osregex" -> OsRegex.of(text);
            case "pcre2" -> Pcre2.of(text);
            default -> OsMatch.find(text, "");
        }
        return this;
    }

    /** Matches {@code subject} from {@code from}; null when it does not match (negation is the caller's). */
    public OsRegex.Match find(String subject, int from) {
        return find(dialect, text, subject, from);
    }

    /** {@code text} in {@code dialect} matched against {@code subject} from {@code from}; null when it does not match. */
    static OsRegex.Match find(String dialect, String text, String subject, int from) {
        if (subject == null) {
            return null;
        }
        return switch (dialect) {
            case "osregex" -> OsRegex.of(text).find(subject, from);
            case "pcre2" -> Pcre2.of(text).find(subject, from);
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
                    return new Pcre2(Pattern.compile(t));
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw new IllegalArgumentException("pcre2 pattern does not compile: " + e.getDescription() + " at index " + e.getIndex());
                }
            });
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
