package dev.bulwark.manager.knowledgebases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.store.AgentStateStore;
import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.build.RuleBuildException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnowledgeBasePublisherTest {

    private static final String RULE = """
            package rules.loginspection;
            import dev.bulwark.engine.loginspection.LogEvent;
            import dev.bulwark.engine.Finding;
            import dev.bulwark.engine.Severity;
            rule "r" @id("LI-PUB-0001") @title("t") @module("loginspection") @severity("low")
            when $e: LogEvent( decoder == "x" ) then insert(Finding.raise(kcontext, Severity.LOW, "x")); end
            """;

    @Test
    void versionsOnlyGrowAndAgentsAcceptEachNewOne(@TempDir Path dir) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules/loginspection"));
        Files.writeString(rules.resolve("r.drl"), RULE);
        Clock frozen = Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC);
        KnowledgeBasePublisher publisher = new KnowledgeBasePublisher(dir.resolve("manager"), frozen);
        assertTrue(publisher.createKey());
        assertFalse(publisher.createKey(), "an existing key is kept");
        publisher.publish(List.of(dir.resolve("rules")), List.of());
        publisher.publish(List.of(dir.resolve("rules")), List.of());
        assertEquals(List.of(1_800_000_000L, 1_800_000_001L), publisher.versions(), "the clock stood still, versions still grow");

        AgentStateStore agent = new AgentStateStore(dir.resolve("agent"));
        agent.pinKey(SigningKeys.readPublic(publisher.publicKey()), false);
        agent.install(Files.readAllBytes(publisher.bundlePath(1_800_000_000L)));
        agent.install(Files.readAllBytes(publisher.latest().orElseThrow()));
        assertEquals(1_800_000_001L, agent.runningVersion());
    }

    @Test
    void brokenContentPublishesNothing(@TempDir Path dir) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("bad.drl"), RULE.replace("insert(", "System.exit(1); insert("));
        KnowledgeBasePublisher publisher = new KnowledgeBasePublisher(dir.resolve("manager"), Clock.systemUTC());
        publisher.createKey();
        assertThrows(RuleBuildException.class, () -> publisher.publish(List.of(rules), List.of()));
        assertEquals(List.of(), publisher.versions());
    }

    @Test
    void publishingWithoutAKeySaysWhatToDo(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> new KnowledgeBasePublisher(dir, Clock.systemUTC()).publish(List.of(dir), List.of()));
        assertTrue(e.getMessage().contains("keygen"), e.getMessage());
    }
}
