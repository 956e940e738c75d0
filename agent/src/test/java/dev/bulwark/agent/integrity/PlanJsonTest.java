package dev.bulwark.agent.integrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.engine.integrity.FileAttribute;
import dev.bulwark.engine.integrity.MonitorSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanJsonTest {

    private static final List<MonitorSpec> SPECS = List.of(
            new MonitorSpec("IM-FILE-0001", List.of("/etc/shadow", "/home/*/.ssh/**"), List.of("/home/\"quoted\"\\back\nslash"),
                    FileAttribute.parse("CONTENT,mode"), 2, true),
            MonitorSpec.tree("/srv/ünïcode"));

    @Test
    void roundTrip() {
        String json = PlanJson.write(SPECS);
        assertEquals(SPECS, PlanJson.read(json));
        assertEquals(json, PlanJson.write(PlanJson.read(json)), "stable: plans compare by their JSON");
    }

    @Test
    void readsWhatAGeneralJsonLibraryWrote() throws Exception {
        // Baselines written before PlanJson carried Jackson's rendering of the same records.
        String jackson = new ObjectMapper().writeValueAsString(SPECS);
        assertEquals(SPECS, PlanJson.read(jackson));
    }

    @Test
    void refusesWhatIsNotAPlan() {
        for (String bad : List.of("", "{}", "[1]", "[{\"includes\":\"/etc\"}]", "[{\"includes\":[\"/etc\"]}] x", "[[[[[[[[[[[[1]]]]]]]]]]]]",
                "[{\"includes\":[\"/etc\"],\"attributes\":[\"COLOUR\"]}]", "[{\"includes\":[\"relative\"]}]", "[\"unterminated",
                "[{\"includes\":[\"/etc\"],\"maxDepth\":99999999999}]", "[{\"includes\":[\"/etc\"],\"maxDepth\":-5}]")) {
            assertThrows(IllegalArgumentException.class, () -> PlanJson.read(bad), bad);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PlanJson.read("[{\"a\" 1}]")).getMessage().contains("at character"));
    }
}
