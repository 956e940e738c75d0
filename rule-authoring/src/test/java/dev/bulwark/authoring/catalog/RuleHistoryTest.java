package dev.bulwark.authoring.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleHistoryTest {

    static List<Integer> numbers(RuleHistory h, String id) {
        return h.versions(id).stream().map(RuleHistory.Version::version).toList();
    }

    @Test
    void aBatchIsInvisibleUntilCommittedAndSurvivesAReopen(@TempDir Path dir) throws Exception {
        RuleHistory h = RuleHistory.in(dir);
        RuleHistory.Batch b = h.batch();
        assertEquals(1, b.versionFor(RuleCatalogTest.rule("ORG-H-0001", "first", "organisation"), "alice"));
        assertEquals(2, b.versionFor(RuleCatalogTest.rule("ORG-H-0001", "second", "organisation"), "alice"), "pending versions count");
        assertEquals(2, b.versionFor(RuleCatalogTest.rule("ORG-H-0001", "second", "organisation"), "alice"), "same content, same version");
        assertTrue(h.versions("ORG-H-0001").isEmpty());
        b.commit();
        assertEquals(List.of(1, 2), numbers(h, "ORG-H-0001"));

        RuleHistory.Batch c = h.batch();
        c.keep(RuleCatalogTest.rule("ORG-H-0001", "older", "organisation").withVersion(2), "import"); // already saved: not again
        c.keep(RuleCatalogTest.rule("ORG-H-0001", "imported", "organisation").withVersion(5), "import");
        c.commit();
        RuleHistory reopened = RuleHistory.in(dir);
        assertEquals(List.of(1, 2, 5), numbers(reopened, "ORG-H-0001"));
        assertEquals("imported", reopened.latest("ORG-H-0001").orElseThrow().rule().title());
        assertEquals("alice", reopened.versions("ORG-H-0001").getFirst().author());
        assertEquals(List.of(), numbers(reopened, "../etc/passwd"), "ids never name files");
    }

    @Test
    void aTornLastLineIsIgnoredAndOverwrittenAndDamageElsewhereIsReported(@TempDir Path dir) throws Exception {
        RuleHistory h = RuleHistory.in(dir);
        RuleHistory.Batch b = h.batch();
        b.versionFor(RuleCatalogTest.rule("ORG-H-0001", "first", "organisation"), "alice");
        b.commit();
        Path file = dir.resolve("history.jsonl");
        Files.writeString(file, "{\"id\":\"ORG-H-0001\",\"version\":2,\"auth", StandardOpenOption.APPEND); // a crash mid-write

        RuleHistory reopened = RuleHistory.in(dir);
        assertEquals(List.of(1), numbers(reopened, "ORG-H-0001"));
        RuleHistory.Batch next = reopened.batch();
        assertEquals(2, next.versionFor(RuleCatalogTest.rule("ORG-H-0001", "second", "organisation"), "bob"));
        next.commit();
        assertEquals(List.of(1, 2), numbers(RuleHistory.in(dir), "ORG-H-0001"), "the torn line was cut off, not glued to the next");

        List<String> lines = Files.readAllLines(file);
        Files.writeString(file, lines.get(0) + "\ngarbage\n" + lines.get(1) + "\n");
        IOException damaged = assertThrows(IOException.class, () -> RuleHistory.in(dir));
        assertTrue(damaged.getMessage().contains("history.jsonl:2"), damaged.getMessage());
    }
}
