package dev.bulwark.manager.policies;

import dev.bulwark.agent.protocol.PolicySettings;
import dev.bulwark.agent.protocol.SignedPolicy.EffectivePolicy;
import java.security.Principal;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The policy tree over HTTP: read by every role, changed by admins. */
@RestController
public class PolicyController {
    private final PolicyTree tree;

    public PolicyController(PolicyTree tree) {
        this.tree = tree;
    }

    public record PolicyView(long id, String name, Long parentId, String description, Map<String, String> settings, long revision, Instant updatedAt) {
        static PolicyView of(Policy p) {
            return new PolicyView(p.id(), p.name(), p.parentId(), p.description(), PolicyTree.parse(p.settings()), p.revision(), p.updatedAt());
        }
    }

    public record NewPolicy(String name, Long parentId, String description, Map<String, String> settings) {
    }

    public record SettingsChange(Map<String, String> set, List<String> unset) {
    }

    public record Assignment(Long policyId) {
    }

    public record Move(Long parentId) {
    }

    @GetMapping("/api/policies")
    public List<PolicyView> list() {
        return tree.all().stream().map(PolicyView::of).toList();
    }

    @GetMapping("/api/policies/settings")
    public Collection<PolicySettings.Setting> settings() {
        return PolicySettings.all().values();
    }

    @PostMapping("/api/policies")
    @PreAuthorize("hasRole('ADMIN')")
    public PolicyView create(@RequestBody NewPolicy req, Principal who) {
        return PolicyView.of(tree.create(who.getName(), req.name(), req.parentId(), req.description(), req.settings()));
    }

    @PatchMapping("/api/policies/{id}/settings")
    @PreAuthorize("hasRole('ADMIN')")
    public PolicyView change(@PathVariable long id, @RequestBody SettingsChange req, Principal who) {
        return PolicyView.of(tree.change(who.getName(), id, req.set(), req.unset()));
    }

    @PutMapping("/api/policies/{id}/parent")
    @PreAuthorize("hasRole('ADMIN')")
    public PolicyView move(@PathVariable long id, @RequestBody Move req, Principal who) {
        if (req.parentId() == null) {
            throw dev.bulwark.manager.api.ApiException.badRequest("bad-parent", "parentId", "parentId is required");
        }
        return PolicyView.of(tree.move(who.getName(), id, req.parentId()));
    }

    @PutMapping("/api/agents/{id}/policy")
    @PreAuthorize("hasRole('ADMIN')")
    public EffectivePolicy assign(@PathVariable String id, @RequestBody Assignment req, Principal who) {
        if (req.policyId() == null) {
            throw dev.bulwark.manager.api.ApiException.badRequest("bad-policy", "policyId", "policyId is required");
        }
        tree.assign(who.getName(), id, req.policyId());
        return tree.effective(id);
    }

    @PatchMapping("/api/agents/{id}/settings")
    @PreAuthorize("hasRole('ADMIN')")
    public EffectivePolicy override(@PathVariable String id, @RequestBody SettingsChange req, Principal who) {
        tree.overrideOnComputer(who.getName(), id, req.set(), req.unset());
        return tree.effective(id);
    }

    /** The settings in force on a computer, each with where it comes from. */
    @GetMapping("/api/agents/{id}/effective-policy")
    public EffectivePolicy effective(@PathVariable String id) {
        return tree.effective(id);
    }
}
