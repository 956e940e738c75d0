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

    @Test
    void versionsSurviveAReopenAndATornLastLineIsIgnored(@TempDir Path dir) throws Exception {
        CatalogRule r = RuleCatalogTest.rule("ORG-H-0001", "first", "organisation");
        RuleHistory h = RuleHistory.in(dir);
        h.record(r, 1, "alice");
        h.record(RuleCatalogTest.rule("ORG-H-0001", "second", "organisation"), 2, "bob");
        assertThrows(IllegalArgumentException.class, () -> h.record(r, 2, "eve"), "versions only go up");
        assertThrows(IllegalArgumentException.class, () -> h.versions("../etc/passwd"), "only rule ids name history files");

        Path file = dir.resolve("org-h-0001.jsonl");
        Files.writeString(file, "{\"id\":\"ORG-H-0001\",\"version\":3,\"auth", StandardOpenOption.APPEND); // a crash mid-write
        RuleHistory reopened = RuleHistory.in(dir);
        assertEquals(List.of(1, 2), reopened.versions("ORG-H-0001").stream().map(RuleHistory.Version::version).toList());
        assertEquals("second", reopened.latest("ORG-H-0001").orElseThrow().rule().title());
        assertEquals("bob", reopened.version("ORG-H-0001", 2).orElseThrow().author());

        List<String> lines = Files.readAllLines(file);
        Files.writeString(file, "garbage\n" + lines.get(1) + "\n");
        IOException damaged = assertThrows(IOException.class, () -> RuleHistory.in(dir).versions("ORG-H-0001"));
        assertTrue(damaged.getMessage().contains("org-h-0001.jsonl:1"), damaged.getMessage());
    }
}
