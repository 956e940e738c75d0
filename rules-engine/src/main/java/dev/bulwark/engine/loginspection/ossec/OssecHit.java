package dev.bulwark.engine.loginspection.ossec;

import org.kie.api.definition.type.Expires;
import org.kie.api.definition.type.Role;
import org.kie.api.definition.type.Timestamp;

/**
 * An alert an imported rule raised, remembered for the rules that correlate on it
 * ({@code if_matched_sid}, {@code if_matched_group}, and a rule's own {@code ignore} period).
 * Only rules something correlates on are remembered, and only alerts of level 1 and above, as in
 * Wazuh. A hit lives two hours ({@link #MAX_WINDOW_SECONDS}); the importer refuses longer windows.
 *
 * @param rule      the alert's rule id
 * @param groups    the rule's groups, comma separated
 * @param timestamp when the event happened, epoch milliseconds
 * @param srcip     the event's source address, and below its user and id: the fields correlation most
 *                  often groups by, kept as properties so the engine can index earlier alerts by them
 * @param seq       order of remembering (increasing within a process): newer hits have higher numbers,
 *                  also when several lines share a timestamp
 */
@Role(Role.Type.EVENT)
@Timestamp("timestamp")
@Expires(value = "2h", policy = Expires.Policy.TIME_SOFT)
public record OssecHit(OssecEvent event, String rule, String groups, long timestamp, String srcip, String user, String id, long seq) {

    /** The longest timeframe or ignore period a remembered hit can serve. */
    public static final int MAX_WINDOW_SECONDS = 7200;
}
