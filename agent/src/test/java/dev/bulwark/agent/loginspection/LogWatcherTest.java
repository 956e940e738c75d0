package dev.bulwark.agent.loginspection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.agent.report.EventSink;
import dev.bulwark.agent.report.JsonLinesSink;
import dev.bulwark.agent.store.LogPositionStore;
import dev.bulwark.engine.build.KnowledgeBaseCompiler;
import dev.bulwark.engine.evaluation.KnowledgeBaseLoader;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import dev.bulwark.engine.policy.DrlSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogWatcherTest {

    private static LoadedKnowledgeBase kb;

    @BeforeAll
    static void compile() throws Exception {
        String drl = """
                package rules.loginspection;
                import dev.bulwark.engine.loginspection.LogEvent;
                import dev.bulwark.engine.Finding;
                import dev.bulwark.engine.Severity;
                rule "failed" @id("LI-W-0001") @title("t") @module("loginspection") @severity("low")
                when $e: LogEvent( decoder == "sshd", action == "failed-password" )
                then insert(Finding.raise(kcontext, Severity.LOW, "failed", "srcip", $e.srcIp())); end
                """;
        kb = KnowledgeBaseLoader.load(new KnowledgeBaseCompiler().compile(List.of(new DrlSource("w.drl", drl))).kjar(), null);
    }

    private static String failure(int i) {
        return "Nov 26 07:00:%02d web1 sshd[1]: Failed password for root from 203.0.113.%d port 22 ssh2\n".formatted(i % 60, i);
    }

    @Test
    void crashBetweenReportingAndCommittingNeitherLosesNorRepeats(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("auth.log");
        Path sinkFile = dir.resolve("events.jsonl");
        LogPositionStore store = new LogPositionStore(dir.resolve("state"));
        Files.writeString(log, failure(1) + failure(2));
        try (EventSink sink = new JsonLinesSink(sinkFile); LogWatcher w = new LogWatcher(kb, List.of(log), store, sink, null)) {
            assertEquals(2, w.pollOnce());
        }
        assertEquals(2, Files.readAllLines(sinkFile).size());

        // Lines 3 and 4 were read and reported, then the agent died before committing:
        // the sink holds their results but the positions do not cover them.
        Files.writeString(log, failure(3) + failure(4), StandardOpenOption.APPEND);
        Files.writeString(sinkFile, "{\"uncommitted\":3}\n{\"uncommitted\":4}\n", StandardOpenOption.APPEND);

        try (EventSink sink = new JsonLinesSink(sinkFile); LogWatcher w = new LogWatcher(kb, List.of(log), store, sink, null)) {
            assertEquals(2, w.pollOnce(), "lines 3 and 4 are read again");
            assertEquals(0, w.pollOnce());
        }
        List<String> events = Files.readAllLines(sinkFile, StandardCharsets.UTF_8);
        assertEquals(4, events.size(), String.join("\n", events));
        for (int i = 1; i <= 4; i++) {
            String ip = "203.0.113." + i;
            assertEquals(1, events.stream().filter(e -> e.contains("\"srcip\":\"" + ip + "\"")).count(), ip + " reported exactly once");
        }
    }
}
