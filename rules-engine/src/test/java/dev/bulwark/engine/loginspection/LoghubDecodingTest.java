package dev.bulwark.engine.loginspection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Real logs (Loghub, read from ../shared/corpora at test time): every line becomes an event, and
 * the lines of the formats we decode get their fields.
 */
class LoghubDecodingTest {

    static Path corpus(String relative) {
        Path root = Path.of(System.getProperty("bulwark.corpora", "../../shared/corpora"));
        Path p = root.resolve(relative);
        assertTrue(Files.exists(p), p + " is missing: the test corpora live in ../shared/corpora beside the checkout");
        return p;
    }

    static List<String> lines(String relative) throws IOException {
        return Files.readAllLines(corpus(relative), StandardCharsets.UTF_8);
    }

    private static Map<String, Integer> actions(List<String> lines) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String line : lines) {
            LogEvent e = LogLineDecoderTest.DECODER.decode(line);
            assertEquals(line.strip(), e.raw().strip());
            counts.merge(e.decoder() + "/" + e.action(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void openSshLinesAreDecoded() throws IOException {
        List<String> lines = lines("loghub/OpenSSH_2k.log");
        Map<String, Integer> counts = actions(lines);
        long undecoded = counts.entrySet().stream().filter(e -> e.getKey().endsWith("/null")).mapToLong(Map.Entry::getValue).sum();
        System.out.printf("OpenSSH_2k: %d lines, %d without an action: %s%n", lines.size(), undecoded, counts);
        assertTrue(undecoded <= lines.size() * 0.05, "at least 95% of sshd lines decode to an action: " + counts);
        assertTrue(counts.getOrDefault("sshd/failed-password", 0) > 300, counts.toString());
    }

    @Test
    void apacheErrorLinesAreDecoded() throws IOException {
        List<String> lines = lines("loghub/Apache_2k.log");
        Map<String, Integer> counts = actions(lines);
        System.out.printf("Apache_2k: %s%n", counts);
        long apache = counts.entrySet().stream().filter(e -> e.getKey().startsWith("apache-error/")).mapToLong(Map.Entry::getValue).sum();
        assertEquals(lines.size(), apache, "every line is an Apache error-log line");
    }

    @Test
    void linuxSyslogLinesAllBecomeEvents() throws IOException {
        List<String> lines = lines("loghub/Linux_2k.log");
        Map<String, Integer> counts = actions(lines);
        long withProgram = lines.stream().map(LogLineDecoderTest.DECODER::decode).filter(e -> e.program() != null).count();
        System.out.printf("Linux_2k: %d lines, %d with a program: %s%n", lines.size(), withProgram, counts);
        assertEquals(lines.size(), withProgram, "every syslog line yields its program");
        assertTrue(counts.getOrDefault("pam/auth-failure", 0) > 100, counts.toString());
    }
}
