package dev.bulwark.engine.loginspection.ossec;

/**
 * Where an event stands in an imported OSSEC/Wazuh rule tree. The pipeline inserts the root state
 * ({@code node} empty) with the event. An imported rule whose parent is the current node, whose
 * rank is below the state's ceiling and whose conditions hold replaces the state with its own, so
 * its children are tried next and its siblings no longer are. When no child of the current node
 * matches, the node is the event's alert; unless it is a {@code noalert} rule, which (as in Wazuh)
 * gives the decision back to its parent: the parent's state returns with a ceiling of the node's
 * rank, so the siblings after it are tried. Rules never modify a state: they delete it and insert
 * the next one.
 *
 * @param node        the id of the rule that matched last, or "" at the root
 * @param order       that rule's place in load order (-1 at the root): a rule hung by group or
 *                    level only descends from rules loaded before it, as in Wazuh, so the tree
 *                    stays a tree
 * @param groups      that rule's groups, comma separated with a trailing comma, as OSSEC keeps them
 * @param depth       how many rules matched on the way down
 * @param noalert     the rule matched but never alerts by itself
 * @param rank        the rule's place among its siblings (higher is tried first)
 * @param ceiling     only children ranked below this are still to be tried
 * @param parent      the state this one descended from, or null at the root
 * @param rememberAs  where the rule's alerts are remembered for the rules correlating on them
 *                    ({@code s:ID} for its id, {@code g:GROUP} for each group counted on, comma
 *                    separated), or empty
 * @param memory      the stream's earlier alerts, for correlation
 * @param memberOf    the groups that rules hung by {@code if_group} name which this rule belongs to,
 *                    as {@code ,G1,G2,} (empty for most rules): a cheap test where a group search
 *                    would run for every state
 * @param decoder     the event's decoder, and below its category, copied here so that
 *                    {@code decoded_as} and {@code category} are plain equality tests on the state,
 *                    which the engine hashes: an event reaches only the rules of its decoder
 */
public record OssecMatch(OssecEvent event, String node, int order, int level, String groups, String description, int depth,
                         boolean noalert, int rank, int ceiling, OssecMatch parent, String rememberAs, OssecMemory memory,
                         String memberOf, String decoder, String category) {

    /** An event entering the tree of a stream whose earlier alerts {@code memory} holds. */
    public static OssecMatch root(OssecEvent event, OssecMemory memory) {
        return new OssecMatch(event, "", -1, 0, "", "", 0, false, Integer.MAX_VALUE, Integer.MAX_VALUE, null, "", memory, "",
                event.decoder(), event.category());
    }

    public boolean atRoot() {
        return node.isEmpty();
    }

    @Override
    public String toString() {
        return "OssecMatch[" + (node.isEmpty() ? "root" : node) + ", level " + level + ", depth " + depth
                + (ceiling == Integer.MAX_VALUE ? "" : ", below " + ceiling) + "]";
    }
}
