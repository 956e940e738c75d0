package dev.bulwark.manager.events;

import java.util.Set;

/** An agent's recommendation scan assigned these rules to it (published with the batch that carried them). */
public record AssignmentsReceived(String agentId, Set<String> ruleIds) {
}
