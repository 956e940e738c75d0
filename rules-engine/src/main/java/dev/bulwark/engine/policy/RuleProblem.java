package dev.bulwark.engine.policy;

/**
 * One thing wrong with a rule, where it is and what to do. JSON-ready; shown as-is by the command
 * line and the editor.
 *
 * @param ruleId the rule's {@code @id}, or {@code null} when the problem is outside a rule or the id is the problem
 * @param line   1-based; 0 when unknown
 * @param column 1-based; 0 when unknown
 */
public record RuleProblem(Kind kind, Level level, String ruleId, String path, int line, int column, String message) {

    /** What kind of problem; stable names for tooling. */
    public enum Kind {
        PARSE_ERROR, FORBIDDEN_TYPE, FORBIDDEN_CALL, FORBIDDEN_CONSTRUCT, MISSING_METADATA, INVALID_METADATA,
        DUPLICATE_ID, COMPILE_ERROR, JOIN_WITHOUT_LITERAL,
        /** A rule case's expectations are not what the rules produce. */
        CASE_FAILED,
        /** A {@code .cases.yaml} file cannot be read. */
        INVALID_CASES,
        /** No case expects the rule to fire. */
        MISSING_CASES
    }

    /** ERROR stops a build; WARNING is reported and lets it go on. */
    public enum Level { ERROR, WARNING }

    public static RuleProblem error(Kind kind, String ruleId, String path, int line, int column, String message) {
        return new RuleProblem(kind, Level.ERROR, ruleId, path, line, column, message);
    }

    public static RuleProblem warning(Kind kind, String ruleId, String path, int line, int column, String message) {
        return new RuleProblem(kind, Level.WARNING, ruleId, path, line, column, message);
    }

    public boolean isError() {
        return level == Level.ERROR;
    }

    @Override
    public String toString() {
        return path + ":" + line + ":" + column + ": " + level.name().toLowerCase(java.util.Locale.ROOT) + " " + kind
                + (ruleId == null ? "" : " [" + ruleId + "]") + ": " + message;
    }
}
