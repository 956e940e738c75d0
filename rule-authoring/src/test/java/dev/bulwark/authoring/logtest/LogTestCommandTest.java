package dev.bulwark.authoring.logtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.authoring.cli.RulesCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTestCommandTest {

    private static final String RULES = """
            package rules.loginspection;
            import dev.bulwark.engine.loginspection.LogEvent;
            import dev.bulwark.engine.Finding;
            import dev.bulwark.engine.Severity;
            rule "failed" @id("LI-LT-0001") @title("failed") @module("loginspection") @severity("low")
            when $e: LogEvent( decoder == "sshd", action == "failed-password" )
            then insert(Finding.raise(kcontext, Severity.LOW, "failed password from " + $e.srcIp())); end
            rule "third failure" @id("LI-LT-0002") @title("third") @module("loginspection") @severity("high")
            when
              $e: LogEvent( decoder == "sshd", action == "failed-password", $ip: srcIp, $t: timestamp )
              $n: Number( intValue == 3 ) from accumulate( $f: LogEvent( decoder == "sshd", action == "failed-password", srcIp == $ip, timestamp <= $t ), count( $f ) )
            then insert(Finding.raise(kcontext, Severity.HIGH, "third failure from " + $ip)); end
            """;

    @Test
    void oneJsonObjectPerNonEmptyLineAndEmptyLinesResetState(@TempDir Path dir) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules/loginspection"));
        Files.writeString(rules.resolve("r.drl"), RULES);
        String fail = "Nov 26 07:00:0%d web1 sshd[1]: Failed password for root from 203.0.113.5 port 22 ssh2";
        Path input = dir.resolve("lines.txt");
        Files.write(input, List.of(fail.formatted(1), fail.formatted(2), fail.formatted(3), "", fail.formatted(4),
                "Nov 26 07:00:05 web1 cron[2]: something nobody decodes"));
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = RulesCommand.commandLine().execute("logtest", "--json", "--rules", dir.resolve("rules").toString(), input.toString());
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code);
        List<JsonNode> out = new ArrayList<>();
        for (String l : buf.toString(StandardCharsets.UTF_8).split("\n")) {
            out.add(new ObjectMapper().readTree(l));
        }
        assertEquals(5, out.size(), "one object per non-empty line");
        assertEquals("sshd", out.get(0).path("decoder").asText());
        assertEquals("LI-LT-0001", out.get(0).path("rule").asText());
        assertEquals(5, out.get(0).path("level").asInt());
        assertEquals("LI-LT-0002", out.get(2).path("rule").asText(), "the third failure correlates");
        assertEquals(10, out.get(2).path("level").asInt());
        assertEquals("LI-LT-0001", out.get(3).path("rule").asText(), "after the empty line, state starts afresh");
        assertTrue(out.get(4).path("rule").isNull());
        assertTrue(out.get(4).path("level").isNull());
        assertTrue(out.get(4).path("decoder").isNull());
    }

    @Test
    void traceSaysWhichConditionStoppedEachCandidateRule(@TempDir Path dir) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules/loginspection"));
        Files.writeString(rules.resolve("r.drl"), RULES);
        Path input = dir.resolve("lines.txt");
        Files.write(input, List.of("Nov 26 07:00:01 web1 sshd[1]: Accepted password for root from 203.0.113.5 port 22 ssh2",
                "Nov 26 07:00:02 web1 sshd[1]: Failed password for root from 203.0.113.5 port 22 ssh2"));
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, RulesCommand.commandLine().execute("logtest", "--json", "--trace", "--rules", dir.resolve("rules").toString(), input.toString()));
        } finally {
            System.setOut(old);
        }
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        JsonNode accepted = new ObjectMapper().readTree(lines[0]).path("trace");
        assertEquals("no-match", accepted.get(0).path("outcome").asText());
        assertEquals("condition not met: action == \"failed-password\"", accepted.get(0).path("reason").asText());
        JsonNode failed = new ObjectMapper().readTree(lines[1]).path("trace");
        assertEquals("fired", failed.get(0).path("outcome").asText());
        assertEquals("LI-LT-0002", failed.get(1).path("rule").asText());
        assertTrue(failed.get(1).path("reason").asText().contains("were not met")
                && !failed.get(1).path("reason").asText().startsWith("condition not met"), "its field tests hold; the count decided: " + failed);
    }
}
