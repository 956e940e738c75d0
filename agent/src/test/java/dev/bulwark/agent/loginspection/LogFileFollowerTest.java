package dev.bulwark.agent.loginspection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files in a temporary directory, rotated the ways logrotate and daemons do it. */
class LogFileFollowerTest {

    @TempDir
    Path dir;

    private static void append(Path f, String text) throws IOException {
        Files.writeString(f, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static List<String> poll(LogFileFollower f) throws IOException {
        List<String> out = new ArrayList<>();
        f.poll(l -> out.add(l.text()));
        return out;
    }

    private LogFileFollower follower(Path log, Map<Path, LogFileFollower.Position> saved) {
        return new LogFileFollower(List.of(log), saved, 1024, 1 << 20);
    }

    @Test
    void onlyCompleteLinesAreDeliveredAndEachOnce() throws IOException {
        Path log = dir.resolve("auth.log");
        append(log, "one\ntwo\nthr");
        try (LogFileFollower f = follower(log, Map.of())) {
            assertEquals(List.of("one", "two"), poll(f));
            assertEquals(List.of(), poll(f));
            append(log, "ee\r\nfour\n");
            assertEquals(List.of("three", "four"), poll(f));
        }
    }

    @Test
    void renameAndCreateRotationLosesNothing() throws IOException {
        Path log = dir.resolve("auth.log");
        append(log, "a1\na2\n");
        try (LogFileFollower f = follower(log, Map.of())) {
            assertEquals(List.of("a1", "a2"), poll(f));
            append(log, "a3\na4-partial");
            Files.move(log, dir.resolve("auth.log.1"));
            append(log, "b1\n");
            List<String> seen = new ArrayList<>(poll(f));
            seen.addAll(poll(f));
            assertEquals(List.of("a3", "a4-partial", "b1"), seen, "the old file is finished (its partial last line too) before the new one");
            append(log, "b2\n");
            assertEquals(List.of("b2"), poll(f));
        }
    }

    @Test
    void copyTruncateStartsAgainAtTheBeginning() throws IOException {
        Path log = dir.resolve("syslog");
        append(log, "x1\nx2\nx3\n");
        try (LogFileFollower f = follower(log, Map.of())) {
            assertEquals(3, poll(f).size());
            Files.copy(log, dir.resolve("syslog.1"));
            Files.write(log, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
            append(log, "y1\n");
            assertEquals(List.of("y1"), poll(f));
        }
    }

    @Test
    void deletedFileIsReadToItsEndAndPickedUpAgainWhenItReturns() throws IOException {
        Path log = dir.resolve("app.log");
        append(log, "first\n");
        try (LogFileFollower f = follower(log, Map.of())) {
            assertEquals(List.of("first"), poll(f));
            append(log, "last words\n");
            Files.delete(log);
            assertEquals(List.of("last words"), poll(f), "an open file can still be read after its name is gone");
            assertEquals(List.of(), poll(f));
            append(log, "reborn\n");
            assertEquals(List.of("reborn"), poll(f));
        }
    }

    @Test
    void restartResumesAtTheCommittedOffset() throws IOException {
        Path log = dir.resolve("auth.log");
        append(log, "l1\nl2\n");
        Map<Path, LogFileFollower.Position> saved;
        try (LogFileFollower f = follower(log, Map.of())) {
            assertEquals(2, poll(f).size());
            saved = f.positions();
        }
        append(log, "l3\n");
        try (LogFileFollower f = follower(log, saved)) {
            assertEquals(List.of("l3"), poll(f));
        }
    }

    @Test
    void restartAfterARotationWhileDownDrainsTheOldFileFirst() throws IOException {
        Path log = dir.resolve("auth.log");
        append(log, "o1\n");
        Map<Path, LogFileFollower.Position> saved;
        try (LogFileFollower f = follower(log, Map.of())) {
            poll(f);
            saved = f.positions();
        }
        append(log, "o2\no3\n");
        Files.move(log, dir.resolve("auth.log.1"));
        append(log, "n1\n");
        try (LogFileFollower f = follower(log, saved)) {
            assertEquals(List.of("o2", "o3", "n1"), poll(f));
        }
    }

    @Test
    void longLinesAreCutAndInvalidUtf8IsReplacedNeverDropped() throws IOException {
        Path log = dir.resolve("weird.log");
        Files.write(log, ("x".repeat(5000) + "\n").getBytes(StandardCharsets.US_ASCII));
        Files.write(log, new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28, '\n', 'e', 'n', 'd', '\n'}, StandardOpenOption.APPEND);
        try (LogFileFollower f = new LogFileFollower(List.of(log), Map.of(), 1024, 1 << 20)) {
            List<LogFileFollower.FollowedLine> lines = new ArrayList<>();
            f.poll(lines::add);
            assertEquals(3, lines.size());
            assertTrue(lines.get(0).truncated());
            assertEquals(1024, lines.get(0).text().length());
            assertEquals("ok\uFFFD(", lines.get(1).text());
            assertEquals("end", lines.get(2).text());
        }
    }
}
