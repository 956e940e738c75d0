package dev.bulwark.engine.evaluation;

import dev.bulwark.engine.RuleMetadata;
import dev.bulwark.engine.bundle.BundleManifest;
import dev.bulwark.engine.loginspection.ossec.OssecDecoderFile;
import dev.bulwark.engine.loginspection.ossec.OssecDecoders;
import dev.bulwark.engine.ProtectionModule;
import dev.bulwark.engine.integrity.MonitorSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.kie.api.KieBase;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;

/**
 * A knowledge base ready to evaluate: the compiled rules, the manifest they came with, and the
 * statistics every session of it feeds. Thread-safe; sessions are not.
 */
public final class LoadedKnowledgeBase {

    private final KieBase kieBase;
    private final BundleManifest manifest;
    private final Map<String, RuleMetadata> rules = new LinkedHashMap<>();
    private final RuleStatistics statistics = new RuleStatistics();
    private final OssecDecoders ossecDecoders;
    private final List<MonitorSpec> monitorSpecs = new ArrayList<>();
    private final List<String> monitoredEntities = new ArrayList<>();

    private final Map<String, byte[]> data;

    LoadedKnowledgeBase(KieBase kieBase, BundleManifest manifest, OssecDecoders ossecDecoders, Map<String, byte[]> data) {
        this.kieBase = kieBase;
        this.data = Map.copyOf(data);
        this.manifest = manifest;
        this.ossecDecoders = ossecDecoders;
        for (KiePackage pkg : kieBase.getKiePackages()) {
            for (Rule rule : pkg.getRules()) {
                RuleMetadata md = RuleMetadata.of(rule);
                rules.put(md.id() == null ? pkg.getName() + "." + rule.getName() : md.id(), md);
                if (ProtectionModule.INTEGRITY.id().equals(md.module())) {
                    try {
                        MonitorSpec.fromAnnotations(md.id(), rule.getMetaData()).ifPresent(monitorSpecs::add);
                        Object entities = rule.getMetaData().get(MonitorSpec.MONITOR_ENTITIES);
                        if (entities != null) {
                            for (String t : MonitorSpec.entityTypes(RuleMetadata.unquote(entities))) {
                                if (!monitoredEntities.contains(t)) {
                                    monitoredEntities.add(t);
                                }
                            }
                        }
                    } catch (IllegalArgumentException e) {
                        // The compiler refuses such rules; a bundle built elsewhere still loads, without the set.
                    }
                }
            }
        }
    }

    /** The manifest of the bundle this was loaded from, or empty for a knowledge base compiled in process. */
    public Optional<BundleManifest> manifest() {
        return Optional.ofNullable(manifest);
    }

    /**
     * The imported OSSEC/Wazuh decoders the bundle carries ({@link OssecDecoderFile#ENTRY}), already
     * checked at load; empty when it carries none. Log scanning runs them beside Bulwark's own decoders.
     */
    public Optional<OssecDecoders> ossecDecoders() {
        return Optional.ofNullable(ossecDecoders);
    }

    /**
     * The bundle's data files whose names start with {@code prefix} (signature sets under
     * {@code antimalware/}, ...), verified with the bundle. The arrays are shared: callers must not
     * change them.
     */
    public Map<String, byte[]> dataFiles(String prefix) {
        Map<String, byte[]> out = new java.util.TreeMap<>();
        data.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** What the integrity rules of this knowledge base ask to monitor ({@code @monitor}), in rule order. */
    public List<MonitorSpec> monitorSpecs() {
        return List.copyOf(monitorSpecs);
    }

    /** The entity types the integrity rules of this knowledge base rate ({@code @monitorEntities}). */
    public List<String> monitoredEntities() {
        return MonitorSpec.ENTITY_TYPES.stream().filter(monitoredEntities::contains).toList();
    }

    public long version() {
        return manifest == null ? 0 : manifest.bundleVersion();
    }

    /** Rules by id, as the loaded classes report them. */
    public Map<String, RuleMetadata> rules() {
        return java.util.Collections.unmodifiableMap(rules);
    }

    public RuleStatistics statistics() {
        return statistics;
    }

    /**
     * Evaluates one self-contained batch in a fresh pseudo-clock session: events replay in time
     * order so windows behave as they did live; nothing carries over to the next call.
     */
    public EvaluationResult evaluate(Collection<?> facts) {
        try (StreamSession s = openSession(StreamSession.Clock.PSEUDO)) {
            return s.insert(facts, true);
        }
    }

    /** Opens a long-lived session; the caller closes it. */
    public StreamSession openSession(StreamSession.Clock clock) {
        return new StreamSession(kieBase, clock, statistics);
    }
}
