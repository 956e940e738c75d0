package dev.bulwark.agent.recommendation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.integrity.EntityCollectors;
import dev.bulwark.agent.report.ResultJson;
import dev.bulwark.engine.Finding;
import dev.bulwark.engine.evaluation.EvaluationResult;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.recommendation.InstalledPackage;
import dev.bulwark.engine.recommendation.ListeningPort;
import dev.bulwark.engine.recommendation.RuleAssignment;
import dev.bulwark.engine.recommendation.ServiceUnit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Inventories the host below {@code root} and evaluates it; returns the results as the agent reports them. */
public final class RecommendationScan {

    private RecommendationScan() {
    }

    /** The host's inventory as facts: dpkg packages, listening TCP/UDP ports with their process, systemd units. */
    public static List<Object> inventory(Path root) throws IOException {
        EntityCollectors c = new EntityCollectors(root);
        List<Object> facts = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : c.collect("package").entrySet()) {
            String key = e.getKey();
            int colon = key.indexOf(':');
            Map<String, String> a = e.getValue();
            facts.add(new InstalledPackage(colon < 0 ? key : key.substring(0, colon), a.getOrDefault("version", ""),
                    a.getOrDefault("architecture", ""), "dpkg"));
        }
        for (Map.Entry<String, Map<String, String>> e : c.collect("port").entrySet()) {
            String key = e.getKey(); // tcp/ADDRESS:PORT
            int slash = key.indexOf('/');
            int colon = key.lastIndexOf(':');
            if (slash < 0 || colon < slash) {
                continue;
            }
            try {
                facts.add(new ListeningPort(key.substring(0, slash), key.substring(slash + 1, colon), Integer.parseInt(key.substring(colon + 1)),
                        e.getValue().getOrDefault("process", ""), 0));
            } catch (NumberFormatException ignored) {
                // not a port number: nothing to say about it
            }
        }
        for (Map.Entry<String, Map<String, String>> e : c.collect("service").entrySet()) {
            Map<String, String> a = e.getValue();
            facts.add(new ServiceUnit(e.getKey(), a.getOrDefault("state", ""), Boolean.parseBoolean(a.getOrDefault("enabled", "false")),
                    a.getOrDefault("unitFile", "")));
        }
        return facts;
    }

    /** Evaluates the inventory; findings and rule assignments, as JSON results. */
    public static List<ObjectNode> run(LoadedKnowledgeBase kb, Path root) throws IOException {
        EvaluationResult r = kb.evaluate(inventory(root));
        List<ObjectNode> out = new ArrayList<>();
        for (RuleAssignment a : r.assignments()) {
            out.add(ResultJson.of(a));
        }
        for (Finding f : r.findings()) {
            if (f.module().id().equals("recommendation")) {
                out.add(ResultJson.of(f));
            }
        }
        return out;
    }
}
