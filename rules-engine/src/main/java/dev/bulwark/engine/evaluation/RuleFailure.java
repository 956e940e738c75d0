package dev.bulwark.engine.evaluation;

/**
 * A rule that threw while it was evaluated or fired (a null field in a consequence, say). The
 * session goes on with the other rules; the failure is reported, never swallowed.
 *
 * @param ruleId the failing rule's id, or {@code null} when Drools could not name it
 * @param error  the exception's class and message
 */
public record RuleFailure(String ruleId, String error) {
}
