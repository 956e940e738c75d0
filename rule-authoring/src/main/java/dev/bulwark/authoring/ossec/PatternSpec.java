package dev.bulwark.authoring.ossec;

/**
 * A pattern as a ruleset writes it: the text, its dialect ({@code osregex}, {@code osmatch},
 * {@code pcre2}; from the {@code type} attribute or the element's default), the decoder offset it
 * applies from ({@code after_parent}, {@code after_prematch}, {@code after_regex}, or none), and
 * whether it is negated ({@code negate="yes"}).
 */
public record PatternSpec(String text, String dialect, String offset, boolean negate) {

    static PatternSpec of(XmlElement e, String defaultDialect) {
        String type = e.attribute("type").orElse(defaultDialect).toLowerCase(java.util.Locale.ROOT);
        return new PatternSpec(e.text(), type, e.attribute("offset").orElse(null), "yes".equalsIgnoreCase(e.attribute("negate").orElse("no")));
    }

    /** This element read after {@code earlier} of the same kind: the texts joined, this one's type, offset and negation. */
    PatternSpec after(PatternSpec earlier) {
        return earlier == null ? this : new PatternSpec(earlier.text() + text, dialect, offset, negate);
    }

    PatternSpec asDialect(String d) {
        return new PatternSpec(text, d, offset, negate);
    }
}
