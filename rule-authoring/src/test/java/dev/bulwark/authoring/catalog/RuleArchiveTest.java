package dev.bulwark.authoring.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleArchiveTest {

    static byte[] zip(Map<String, byte[]> entries) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return b.toByteArray();
    }

    static long filesBelow(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void theKnowledgeBaseTravelsAndComesBackByteForByte(@TempDir Path dir) throws Exception {
        List<CatalogRule> rules = new CatalogSources().readTree(RuleCatalogTest.KNOWLEDGE_BASE, "built-in").rules();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int files = RuleArchive.write(Map.of("built-in", List.of(RuleCatalogTest.KNOWLEDGE_BASE)), rules, b);
        List<Path> out = RuleArchive.unpack(new ByteArrayInputStream(b.toByteArray()), dir.resolve("x"));
        assertEquals(files + 1, out.size());
        Path sshd = dir.resolve("x/built-in/loginspection/sshd.drl");
        assertEquals(Files.readString(RuleCatalogTest.KNOWLEDGE_BASE.resolve("loginspection/sshd.drl")), Files.readString(sshd));
        assertEquals(rules, CatalogCsv.read(Files.newBufferedReader(dir.resolve("x/catalog.csv"))).rules());
    }

    @Test
    void hostileArchivesAreRefusedAndLeaveNothingBehind(@TempDir Path dir) throws Exception {
        byte[] ok = "package x;\n".getBytes();
        List<Map<String, byte[]>> hostile = List.of(
                Map.of("built-in/a.drl", ok, "../evil.drl", ok),
                Map.of("built-in/a.drl", ok, "/etc/cron.d/evil.drl", ok),
                Map.of("built-in/a.drl", ok, "built-in/run.sh", ok),
                Map.of("built-in/a.drl", ok, "built-in/../../x.drl", ok),
                Map.of("built-in/.hidden.drl", ok),
                Map.of("built-in/a.drl", ok, "built-in/big.drl", new byte[(int) RuleArchive.MAX_ENTRY_BYTES + 1]));
        int i = 0;
        for (Map<String, byte[]> entries : hostile) {
            Path target = dir.resolve("t" + i++);
            RuleArchive.RefusedArchive e = assertThrows(RuleArchive.RefusedArchive.class,
                    () -> RuleArchive.unpack(new ByteArrayInputStream(zip(new java.util.TreeMap<>(entries))), target), entries.keySet().toString());
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            assertEquals(0, filesBelow(target), "nothing is left behind for " + entries.keySet());
        }
        assertTrue(Files.notExists(dir.resolve("evil.drl")));
        assertThrows(RuleArchive.RefusedArchive.class, () -> RuleArchive.unpack(new ByteArrayInputStream("not a zip".getBytes()), dir.resolve("n")));
        Path full = Files.createDirectories(dir.resolve("full"));
        Files.writeString(full.resolve("keep"), "x");
        RuleArchive.RefusedArchive notEmpty = assertThrows(RuleArchive.RefusedArchive.class,
                () -> RuleArchive.unpack(new ByteArrayInputStream(zip(Map.of("built-in/a.drl", ok))), full));
        assertTrue(notEmpty.getMessage().contains("not empty"));
        assertEquals("x", Files.readString(full.resolve("keep")));
    }
}
