package dev.bulwark.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleSwitchSinkTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static ObjectNode result(String rule) {
        return JSON.createObjectNode().put("kind", "finding").put("ruleId", rule);
    }

    @Test
    void resultsOfRulesSwitchedOffByPolicyAreDroppedAndCounted() throws Exception {
        Set<String> off = RuleSwitchSink.switchedOff(Map.of("rules.LI-SSH-0001", "off", "rules.LI-SSH-0002", "on", "loginspection.enabled", "true"));
        assertEquals(Set.of("LI-SSH-0001"), off);
        Path file = dir.resolve("events.jsonl");
        try (JsonLinesSink lines = new JsonLinesSink(file)) {
            RuleSwitchSink sink = new RuleSwitchSink(lines, off);
            sink.append(List.of(result("LI-SSH-0001"), result("LI-SSH-0002"), result("LI-SSH-0001")));
            sink.commit();
            assertEquals(2, sink.suppressed());
            assertEquals(1, Files.readAllLines(file).size());
            assertEquals(lines.length(), sink.length(), "marks are the delegate's");
        }
    }
}
