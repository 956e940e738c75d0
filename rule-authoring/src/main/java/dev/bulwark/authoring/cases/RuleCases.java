package dev.bulwark.authoring.cases;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bulwark.engine.FactTypes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code *.cases.yaml} file: named cases, each with facts in and the exact results out.
 * Format (version 1):
 * <pre>
 * cases:
 *   - name: what the case shows
 *     facts:
 *       - LogEvent: {timestamp: 1700000000000, decoder: sshd, ...}
 *     expect:
 *       findings:    [{rule: ID, severity: low, count: 1, evidence: {key: value}}]
 *       verdicts:    [{rule: ID, action: block}]
 *       assignments: [{rule: ID, count: 3}]
 * </pre>
 * Every result the rules produce must be expected; a rule that is not listed must not fire.
 */
public record RuleCases(Path file, List<Case> cases) {

    public record Expectation(String rule, String severity, String action, int count, Map<String, String> evidence) {
    }

    /** @param line the case's line in the file (its {@code - name:}), 0 when unknown */
    public record Case(String name, int line, List<Object> facts, List<Expectation> findings, List<Expectation> verdicts, List<Expectation> assignments) {
        /** Every rule id this case expects to fire. */
        public List<String> firingRules() {
            List<String> ids = new ArrayList<>();
            findings.forEach(e -> ids.add(e.rule()));
            verdicts.forEach(e -> ids.add(e.rule()));
            assignments.forEach(e -> ids.add(e.rule()));
            return ids;
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static RuleCases read(Path file) throws IOException {
        String text = java.nio.file.Files.readString(file);
        JsonNode root = YAML.readTree(text);
        java.util.Map<String, int[]> where = dev.bulwark.authoring.yaml.YamlLocations.of(text);
        if (root == null || !root.path("cases").isArray()) {
            throw new IOException(file + ": expected a top-level 'cases' list");
        }
        List<Case> cases = new ArrayList<>();
        int index = 0;
        for (JsonNode c : root.get("cases")) {
            index++;
            String name = c.path("name").asText("case " + index);
            List<Object> facts = new ArrayList<>();
            for (JsonNode f : c.path("facts")) {
                Iterator<Map.Entry<String, JsonNode>> fields = f.fields();
                if (!fields.hasNext()) {
                    throw new IOException(file + ": case '" + name + "': a fact is written as {TypeName: {fields}}");
                }
                Map.Entry<String, JsonNode> only = fields.next();
                Class<?> type = FactTypes.bySimpleName(only.getKey()).orElseThrow(() -> new IOException(
                        file + ": case '" + name + "': unknown fact type '" + only.getKey() + "'; known: " + FactTypes.simpleNames()));
                facts.add(YAML.treeToValue(only.getValue(), type));
            }
            JsonNode expect = c.path("expect");
            cases.add(new Case(name, where.getOrDefault("/cases/" + (index - 1), new int[] {0, 0})[0], facts, expectations(expect.path("findings")), expectations(expect.path("verdicts")),
                    expectations(expect.path("assignments"))));
        }
        return new RuleCases(file, cases);
    }

    private static List<Expectation> expectations(JsonNode list) {
        List<Expectation> out = new ArrayList<>();
        for (JsonNode e : list) {
            Map<String, String> evidence = new LinkedHashMap<>();
            e.path("evidence").fields().forEachRemaining(f -> evidence.put(f.getKey(), f.getValue().asText()));
            out.add(new Expectation(e.path("rule").asText(), e.hasNonNull("severity") ? e.get("severity").asText() : null,
                    e.hasNonNull("action") ? e.get("action").asText() : null, e.path("count").asInt(1), evidence));
        }
        return out;
    }
}
