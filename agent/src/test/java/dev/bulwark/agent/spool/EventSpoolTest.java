package dev.bulwark.agent.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.protocol.Messages.SpooledEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventSpoolTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    static ObjectNode event(String severity, String message) {
        return JSON.createObjectNode().put("kind", "finding").put("ruleId", "T-1").put("module", "loginspection")
                .put("severity", severity).put("message", message);
    }

    static List<ObjectNode> events(int n, String severity, int padding) {
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(event(severity, "e" + i + " " + "x".repeat(padding)));
        }
        return out;
    }

    @Test
    void numbersSurviveRestartAndOnlyUnacknowledgedEventsArePending() throws IOException {
        try (EventSpool s = EventSpool.open(dir, 1 << 20, Clock.systemUTC())) {
            assertEquals(List.of(1L, 2L, 3L), s.appendCommitted(events(3, "high", 0)));
            List<SpooledEvent> p = s.pending(10, 1 << 20);
            assertEquals(3, p.size());
            assertEquals("e0 ", p.get(0).event().get("message").asText());
            s.acknowledge(2);
        }
        try (EventSpool s = EventSpool.open(dir, 1 << 20, Clock.systemUTC())) {
            assertEquals(List.of(3L), s.pending(10, 1 << 20).stream().map(SpooledEvent::seq).toList());
            assertEquals(List.of(4L), s.appendCommitted(events(1, "low", 0)), "numbers are never reused");
            s.acknowledge(4);
            assertTrue(s.pending(10, 1 << 20).isEmpty());
            assertThrows(SpoolException.class, () -> s.acknowledge(99), "an acknowledgement beyond what was numbered is refused");
        }
    }

    @Test
    void aLineTornByACrashIsCutAndItsNumberReused() throws IOException {
        try (EventSpool s = EventSpool.open(dir, 1 << 20, Clock.systemUTC())) {
            s.appendCommitted(events(2, "high", 0));
        }
        Path seg;
        try (Stream<Path> files = Files.list(dir)) {
            seg = files.filter(p -> p.getFileName().toString().startsWith("seg-")).findFirst().orElseThrow();
        }
        Files.writeString(seg, "{\"seq\":3,\"time\":\"2026-", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (EventSpool s = EventSpool.open(dir, 1 << 20, Clock.systemUTC())) {
            assertEquals(2, s.lastSeq());
            assertEquals(List.of(3L), s.appendCommitted(events(1, "high", 0)));
            assertEquals(3, s.pending(10, 1 << 20).size());
        }
    }

    @Test
    void uncommittedEventsAreNotSentAndATruncateAfterACrashDropsThem() throws IOException {
        try (EventSpool s = EventSpool.open(dir, 1 << 20, Clock.systemUTC())) {
            s.appendCommitted(events(2, "high", 0));
            long mark = s.length();
            s.append(events(3, "high", 0)); // the producer crashed before saving its position
            assertEquals(2, s.pending(10, 1 << 20).size(), "only committed events leave");
            s.truncateTo(mark);
            assertEquals(2, s.lastSeq());
            s.append(events(1, "high", 0));
            s.commit();
            assertEquals(List.of(1L, 2L, 3L), s.pending(10, 1 << 20).stream().map(SpooledEvent::seq).toList());
        }
    }

    @Test
    void aSecondProcessCannotOpenTheSameSpool() throws IOException {
        try (EventSpool s = EventSpool.open(dir, 1 << 20, Clock.systemUTC())) {
            assertThrows(SpoolException.class, () -> EventSpool.open(dir, 1 << 20, Clock.systemUTC()));
        }
    }

    @Test
    void aFullSpoolDropsOldLowSeverityEventsFirstAndCountsTheLoss() throws IOException {
        long max = 1 << 20;
        try (EventSpool s = EventSpool.open(dir, max, Clock.systemUTC())) {
            for (int round = 0; round < 10; round++) {
                s.appendCommitted(events(100, "low", 1500));
                s.appendCommitted(events(10, "critical", 1500));
            }
            long critical = 0;
            long low = 0;
            boolean lossReported = false;
            List<SpooledEvent> all = s.pending(100_000, Long.MAX_VALUE);
            for (SpooledEvent e : all) {
                switch (e.severity()) {
                    case "critical" -> critical++;
                    case "low" -> low++;
                    default -> lossReported |= e.event().path("kind").asText().equals("spool-loss");
                }
            }
            assertTrue(s.bytes() <= max, "bounded: " + s.bytes());
            assertEquals(100, critical, "no critical event was dropped while low ones could go");
            assertTrue(lossReported, "the loss is reported as an event");
            long dropped = s.counters().get("spool.dropped.low");
            assertEquals(1000, low + dropped, "every low event is either kept or counted as dropped");
            assertTrue(Files.readString(dir.resolve("dropped.json")).contains("\"low\""));
        }
    }

    @Test
    void pendingRespectsBatchBoundsAndContinuesWhereItStopped() throws IOException {
        try (EventSpool s = EventSpool.open(dir, 4 << 20, Clock.systemUTC())) {
            s.appendCommitted(events(5_000, "medium", 100));
            long next = 1;
            int batches = 0;
            while (true) {
                List<SpooledEvent> b = s.pending(700, 64 * 1024);
                if (b.isEmpty()) {
                    break;
                }
                assertEquals(next, b.getFirst().seq(), "batches follow each other without gaps or repeats");
                next = b.getLast().seq() + 1;
                s.acknowledge(b.getLast().seq());
                batches++;
            }
            assertEquals(5_001, next);
            assertTrue(batches > 5_000 / 700, "the byte bound split batches: " + batches);
        }
    }
}
