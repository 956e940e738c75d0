package dev.bulwark.engine.loginspection;

import org.kie.api.definition.type.Expires;
import org.kie.api.definition.type.Role;
import org.kie.api.definition.type.Timestamp;

/**
 * State a correlation rule keeps so it does not raise the same alert again for a while (OSSEC's
 * {@code ignore}): "rule R already alerted for key K at time {@code at}; stay quiet until {@code until}".
 * Rules insert it next to their finding and test {@code not AlertSuppression(ruleId == "...", key == $k, until > $t)}.
 * An event that expires by itself, so suppressions never accumulate (periods are at most 15 minutes).
 */
@Role(Role.Type.EVENT)
@Timestamp("at")
@Expires("15m")
public record AlertSuppression(String ruleId, String key, long at, long until) {
}
