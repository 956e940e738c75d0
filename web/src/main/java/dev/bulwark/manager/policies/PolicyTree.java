package dev.bulwark.manager.policies;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.agent.protocol.PolicySettings;
import dev.bulwark.agent.protocol.SignedPolicy.EffectivePolicy;
import dev.bulwark.manager.agents.Agent;
import dev.bulwark.manager.agents.AgentRepository;
import dev.bulwark.manager.api.ApiException;
import dev.bulwark.manager.audit.AuditLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The policy tree and the effective policy of each computer: defaults, then each policy from the
 * root down to the computer's own, then the computer's overrides; the last to set a key wins and is
 * named as its source. Every change takes a new number from one sequence, so the revision of any
 * computer's effective policy only grows, whatever moved.
 */
@Service
public class PolicyTree {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {
    };
    public static final String ROOT = "Base";

    private final PolicyRepository policies;
    private final AgentRepository agents;
    private final AuditLog audit;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public PolicyTree(PolicyRepository policies, AgentRepository agents, AuditLog audit, JdbcTemplate jdbc, Clock clock) {
        this.policies = policies;
        this.agents = agents;
        this.audit = audit;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    private long nextRevision() {
        Long n = jdbc.queryForObject("select nextval('policy_revision_seq')", Long.class);
        return n == null ? 1 : n;
    }

    static Map<String, String> parse(String json) {
        try {
            return json == null || json.isBlank() ? new TreeMap<>() : JSON.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored settings are not JSON: " + e.getMessage(), e);
        }
    }

    static String render(Map<String, String> m) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks every key and value; the first bad one is refused naming {@code settings.KEY}. */
    static Map<String, String> normalised(Map<String, String> in) {
        Map<String, String> out = new TreeMap<>();
        if (in == null) {
            return out;
        }
        if (in.size() > 5_000) {
            throw ApiException.badRequest("too-many-settings", "settings", "at most 5,000 settings in one change");
        }
        for (Map.Entry<String, String> e : in.entrySet()) {
            try {
                out.put(e.getKey(), PolicySettings.normalise(e.getKey(), e.getValue()));
            } catch (IllegalArgumentException ex) {
                throw ApiException.badRequest("bad-setting", "settings." + e.getKey(), ex.getMessage());
            }
        }
        return out;
    }

    /** {@code before} with {@code set} applied (checked) and {@code unset} removed, so those are inherited again. */
    private static Map<String, String> merged(Map<String, String> before, Map<String, String> set, List<String> unset) {
        Map<String, String> after = new TreeMap<>(before);
        after.putAll(normalised(set));
        if (unset != null) {
            unset.forEach(after::remove);
        }
        return after;
    }

    public Policy require(long id) {
        return policies.findById(id).orElseThrow(() -> new ApiException(404, "no-such-policy", "id", "no policy " + id));
    }

    @Transactional
    public Policy create(String actor, String name, Long parentId, String description, Map<String, String> settings) {
        String n = name == null ? "" : name.strip();
        if (!n.matches("[\\p{L}\\p{N} ._()-]{1,100}")) {
            throw ApiException.badRequest("bad-name", "name", "a policy name has 1-100 letters, digits, spaces and ._()-");
        }
        if (policies.findByName(n).isPresent()) {
            throw new ApiException(409, "name-taken", "name", "a policy named '" + n + "' exists already");
        }
        long parent = parentId != null ? require(parentId).id() : root().id();
        String d = description == null ? "" : description.strip();
        if (d.length() > 1000) {
            throw ApiException.badRequest("bad-description", "description", "at most 1,000 characters");
        }
        Policy p = policies.save(new Policy(n, parent, d, render(normalised(settings)), nextRevision(), clock.instant()));
        audit.record(actor, "policy.create", "policy/" + p.id(), null, "name=" + n + " parent=" + parent + " settings=" + p.settings());
        return p;
    }

    public Policy root() {
        return policies.findByName(ROOT).orElseThrow(() -> new IllegalStateException("the root policy is missing; the migration creates it"));
    }

    /** Sets and removes this policy's own settings; what it removes is inherited again. */
    @Transactional
    public Policy change(String actor, long id, Map<String, String> set, List<String> unset) {
        Policy p = require(id);
        Map<String, String> before = parse(p.settings());
        Map<String, String> after = merged(before, set, unset);
        if (after.equals(before)) {
            return p;
        }
        p.change(render(after), nextRevision(), clock.instant());
        audit.record(actor, "policy.change", "policy/" + id, render(before), render(after));
        return p;
    }

    @Transactional
    public Policy move(String actor, long id, long newParent) {
        Policy p = require(id);
        if (p.parentId() == null) {
            throw ApiException.badRequest("root-fixed", "parentId", "the root policy has no parent");
        }
        for (Policy a = require(newParent); a != null; a = a.parentId() == null ? null : require(a.parentId())) {
            if (a.id().equals(p.id())) {
                throw ApiException.badRequest("cycle", "parentId", "a policy cannot move under itself or its own descendants");
            }
        }
        Long before = p.parentId();
        p.moveUnder(newParent, nextRevision(), clock.instant());
        audit.record(actor, "policy.move", "policy/" + id, "parent=" + before, "parent=" + newParent);
        return p;
    }

    @Transactional
    public void assign(String actor, String agentId, long policyId) {
        Agent a = agents.findById(agentId).orElseThrow(() -> new ApiException(404, "no-such-agent", "id", "no agent " + agentId));
        require(policyId);
        Long before = a.policyId();
        a.assignPolicy(policyId, nextRevision());
        audit.record(actor, "agent.policy", "agent/" + agentId, "policy=" + before, "policy=" + policyId);
    }

    @Transactional
    public void overrideOnComputer(String actor, String agentId, Map<String, String> set, List<String> unset) {
        Agent a = agents.findById(agentId).orElseThrow(() -> new ApiException(404, "no-such-agent", "id", "no agent " + agentId));
        Map<String, String> before = parse(a.overrides());
        Map<String, String> after = merged(before, set, unset);
        a.override(render(after), nextRevision());
        audit.record(actor, "agent.overrides", "agent/" + agentId, render(before), render(after));
    }

    /** The chain from the root down to {@code leaf}. */
    List<Policy> chain(long leaf) {
        List<Policy> chain = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (Policy p = require(leaf); p != null; p = p.parentId() == null ? null : require(p.parentId())) {
            if (!seen.add(p.id())) {
                throw new IllegalStateException("the policy tree has a cycle at " + p.name());
            }
            chain.add(p);
        }
        Collections.reverse(chain);
        return chain;
    }

    /**
     * What a policy puts in force on the computers that use it: each value and where it comes from
     * ({@code default} or {@code policy:NAME}), the highest revision along the way, and the chain
     * from the root down to the policy that gave them.
     */
    public record InForce(Map<String, String> values, Map<String, String> sources, long revision, List<Policy> chain) {
    }

    @Transactional(readOnly = true)
    public InForce inForce(long policyId) {
        Map<String, String> values = new TreeMap<>(PolicySettings.defaults());
        Map<String, String> sources = new TreeMap<>();
        values.keySet().forEach(k -> sources.put(k, "default"));
        long revision = 0;
        List<Policy> chain = chain(policyId);
        for (Policy p : chain) {
            parse(p.settings()).forEach((k, v) -> {
                values.put(k, v);
                sources.put(k, "policy:" + p.name());
            });
            revision = Math.max(revision, p.revision());
        }
        return new InForce(values, sources, revision, chain);
    }

    /** A policy's own settings, the ones it sets rather than inherits. */
    public static Map<String, String> own(Policy p) {
        return parse(p.settings());
    }

    /** A computer's own overrides of its policy. */
    public static Map<String, String> overrides(Agent a) {
        return parse(a.overrides());
    }

    /** Defaults, the policy chain, the computer's overrides: each value with its source. */
    @Transactional(readOnly = true)
    public EffectivePolicy effective(String agentId) {
        Agent a = agents.findById(agentId).orElseThrow(() -> new ApiException(404, "no-such-agent", "id", "no agent " + agentId));
        long leaf = a.policyId() == null ? root().id() : a.policyId();
        InForce policy = inForce(leaf);
        Map<String, String> values = new TreeMap<>(policy.values());
        Map<String, String> sources = new TreeMap<>(policy.sources());
        parse(a.overrides()).forEach((k, v) -> {
            values.put(k, v);
            sources.put(k, "computer");
        });
        return new EffectivePolicy(agentId, Math.max(a.settingsRevision(), policy.revision()), clock.instant().toString(), policy.chain().getLast().name(),
                new LinkedHashMap<>(values), new LinkedHashMap<>(sources));
    }

    public List<Policy> all() {
        return policies.findAllByOrderByIdAsc();
    }
}
