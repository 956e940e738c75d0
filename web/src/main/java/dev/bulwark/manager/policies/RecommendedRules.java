package dev.bulwark.manager.policies;

import dev.bulwark.agent.protocol.PolicySettings;
import dev.bulwark.manager.events.AssignmentsReceived;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Applies what an agent's recommendation scan decided: each assigned rule is switched on for that
 * computer ({@code rules.<ID>} = on, a computer override, audited as {@code recommendation-scan}),
 * unless its effective policy already has it on or a person switched it off on the computer.
 */
@Component
public class RecommendedRules {
    private static final Logger LOG = LoggerFactory.getLogger(RecommendedRules.class);

    private final PolicyTree tree;

    public RecommendedRules(PolicyTree tree) {
        this.tree = tree;
    }

    @TransactionalEventListener
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void assigned(AssignmentsReceived a) {
        var effective = tree.effective(a.agentId());
        Map<String, String> set = new TreeMap<>();
        for (String rule : a.ruleIds()) {
            String key = "rules." + rule;
            try {
                PolicySettings.normalise(key, "on");
            } catch (IllegalArgumentException e) {
                continue; // not a rule id the policy can hold
            }
            boolean on = "on".equals(effective.settings().get(key));
            boolean refusedByPerson = "computer".equals(effective.sources().get(key)) && "off".equals(effective.settings().get(key));
            if (!on && !refusedByPerson) {
                set.put(key, "on");
            }
        }
        if (!set.isEmpty()) {
            tree.overrideOnComputer("recommendation-scan", a.agentId(), set, List.of());
            LOG.info("recommendation scan of agent {} assigned {}", a.agentId(), set.keySet());
        }
    }
}
