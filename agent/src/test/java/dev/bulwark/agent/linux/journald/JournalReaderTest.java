package dev.bulwark.agent.linux.journald;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.loginspection.LogEvent;
import dev.bulwark.engine.loginspection.decoder.LogLineDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against real journal files: entries are written in journald's export format and turned into
 * journal files by systemd-journal-remote (Debian package systemd-journal-remote; .ci/run
 * installs it), then read back through journalctl as the agent does.
 */
class JournalReaderTest {

    private static final Path JOURNAL_REMOTE = Path.of("/lib/systemd/systemd-journal-remote");
    private static final String BOOT = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private void writeJournal(String name, long firstSecond, String... messages) throws Exception {
        assertTrue(Files.isExecutable(JOURNAL_REMOTE), JOURNAL_REMOTE + " is missing: apt-get install systemd-journal-remote");
        StringBuilder export = new StringBuilder();
        for (int i = 0; i < messages.length; i++) {
            export.append("__REALTIME_TIMESTAMP=").append((firstSecond + i) * 1_000_000L).append('\n')
                    .append("__MONOTONIC_TIMESTAMP=").append((firstSecond + i) * 1_000_000L).append('\n')
                    .append("_BOOT_ID=").append(BOOT).append('\n')
                    .append("_HOSTNAME=web1\nSYSLOG_IDENTIFIER=sshd\n_PID=812\n")
                    .append("MESSAGE=").append(messages[i]).append("\n\n");
        }
        Path in = dir.resolve(name + ".export");
        Files.writeString(in, export, StandardCharsets.UTF_8);
        Path journals = Files.createDirectories(dir.resolve("journal"));
        Process p = new ProcessBuilder(JOURNAL_REMOTE.toString(), "--output=" + journals.resolve(name + ".journal"), "-")
                .redirectInput(in.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "systemd-journal-remote failed");
    }

    private static List<JournalReader.Entry> read(JournalReader r) throws IOException {
        List<JournalReader.Entry> out = new ArrayList<>();
        r.read(out::add);
        return out;
    }

    @Test
    void entriesBecomeDecodableLinesAndReadingResumesAfterTheCursor() throws Exception {
        writeJournal("one", 1_764_140_400L, "Failed password for root from 203.0.113.5 port 22 ssh2",
                "Invalid user oracle from 203.0.113.6 port 2222", "Accepted publickey for alice from 10.0.0.2 port 5 ssh2: RSA x");
        List<String> source = JournalReader.sourceFor(dir.resolve("journal"), null);
        JournalReader reader = new JournalReader(source, null, true, 1000);
        List<JournalReader.Entry> first = read(reader);
        assertEquals(3, first.size());
        LogEvent e = new LogLineDecoder().decode(first.get(0).line());
        assertEquals("sshd", e.decoder());
        assertEquals("failed-password", e.action());
        assertEquals("203.0.113.5", e.srcIp());
        assertEquals("web1", e.host());
        assertEquals(812, e.pid());
        assertEquals(1_764_140_400_000L, e.timestamp());
        assertEquals(List.of(), read(reader), "nothing new");

        writeJournal("two", 1_764_140_500L, "Failed password for admin from 198.51.100.9 port 22 ssh2");
        List<JournalReader.Entry> second = read(reader);
        assertEquals(1, second.size(), "a new journal file in the directory is picked up");
        assertTrue(second.get(0).line().contains("198.51.100.9"));

        JournalReader restarted = new JournalReader(source, reader.cursor(), false, 1000);
        assertEquals(List.of(), read(restarted), "a restart at the saved cursor repeats nothing");

        JournalReader fresh = new JournalReader(source, null, false, 1000);
        assertEquals(List.of(), read(fresh), "without a cursor, reading starts at the journal's end");
        writeJournal("three", 1_764_140_600L, "Connection closed by 192.0.2.4 port 1 [preauth]");
        assertEquals(1, read(fresh).size());
    }
}
