package dev.bulwark.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.cli.FactLines;
import dev.bulwark.engine.appcontrol.ExecRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class FactLinesTest {

    @Test
    void badLinesAreReportedWithTheirNumberAndGoodOnesKept() throws IOException {
        String input = String.join("\n",
                "{\"type\":\"ExecRequest\",\"fact\":{\"path\":\"/tmp/x\",\"sha256\":\"ab\",\"size\":1,\"uid\":0,\"user\":\"root\",\"pid\":1,"
                        + "\"parentPath\":\"/bin/sh\",\"commandLine\":\"x\",\"inventoryStatus\":\"unknown\",\"packageName\":null,\"timestamp\":1}}",
                "not json at all",
                "{\"type\":\"Runtime\",\"fact\":{}}",
                "{\"type\":\"ExecRequest\"}",
                "{\"type\":\"ExecRequest\",\"fact\":{\"path\":\"/tmp/x\",\"evil\":\"field\"}}",
                "",
                "# a comment",
                "{\"type\":\"EnforcementMode\",\"fact\":{\"mode\":\"block\",\"maintenance\":false}}");
        FactLines.Parsed p = FactLines.read(new BufferedReader(new StringReader(input)), "facts.jsonl");
        assertEquals(2, p.facts().size());
        assertTrue(p.facts().get(0) instanceof ExecRequest);
        assertEquals(4, p.bad().size(), p.bad().toString());
        assertEquals(2, p.bad().get(0).line());
        assertTrue(p.bad().get(1).message().contains("unknown fact type 'Runtime'"));
        assertEquals(5, p.bad().get(3).line());
    }
}
