package dev.bulwark.engine.loginspection.ossec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** OS_Regex as Wazuh documents it, one behaviour per test. */
class OsRegexTest {

    @Test
    void classesAreOssecsNotJavas() {
        assertTrue(OsRegex.of("^\\w+$").matches("user-name@host_1"), "\\w takes - @ _");
        assertFalse(OsRegex.of("^\\w+$").matches("a.b"));
        assertTrue(OsRegex.of("^\\s$").matches(" "));
        assertFalse(OsRegex.of("^\\s$").matches("\t"), "\\s is a space only");
        assertTrue(OsRegex.of("^\\t$").matches("\t"));
        assertTrue(OsRegex.of("^\\p+$").matches("()*+,-.:;<=>?[]!\"'#$%&|{}"));
        assertTrue(OsRegex.of("^\\.+$").matches("anything at all"));
        assertTrue(OsRegex.of("^\\D\\W\\S$").matches("a.x"));
    }

    @Test
    void otherCharactersAreLiteral() {
        assertTrue(OsRegex.of("a.b[1]{2}?").matches("xa.b[1]{2}?"));
        assertFalse(OsRegex.of("a.b").matches("axb"), "a dot is a dot");
        assertTrue(OsRegex.of("\\(x\\)\\$").matches("(x)$"));
    }

    @Test
    void caseIsIgnored() {
        assertTrue(OsRegex.of("failed password").matches("FAILED Password for root"));
    }

    @Test
    void barSeparatesWholeAlternativesEachWithItsAnchorsAndCaptures() {
        OsRegex r = OsRegex.of("^key=\\((\\S+)\\)|key=\"(\\S+)\"|key=(\\S+) $");
        assertEquals(List.of("abc"), r.find("key=\"abc\"", 0).captures());
        assertEquals(List.of("x"), r.find("pre key=x ", 0).captures());
        assertNull(r.find("pre key=(x)", 0), "the first alternative is anchored at the start");
    }

    @Test
    void repetitionStopsWhereTheRestCanStartAndTakesAllAtTheEnd() {
        assertEquals(List.of("2019-01-01"), OsRegex.of("date=(\\.*)\\s").find("date=2019-01-01 time=10:00 x", 0).captures());
        assertEquals(List.of("12345"), OsRegex.of("pid=(\\d+)").find("pid=12345", 0).captures());
        assertEquals(List.of("a b c"), OsRegex.of("^(\\.+)$").find("a b c", 0).captures());
    }

    @Test
    void findStartsAtTheOffset() {
        OsRegex.Match m = OsRegex.of("^(\\w+)").find("prefix: value", 8);
        assertEquals(List.of("value"), m.captures());
        assertEquals(13, m.end());
    }

    @Test
    void literalPrefiltersNeverRejectWhatTheRegexWouldMatch() {
        assertEquals("sshd", OsRegex.literals("^sshd\\d+")[0]);
        assertNull(OsRegex.literals("^\\S+ sshd")[0]);
        assertEquals(" from ", OsRegex.literals("^\\S+ from \\S+")[1]);
        assertEquals(" type=", OsRegex.literals("^node=\\S+ type=")[1]);
        assertEquals("ab", OsRegex.literals("^abc*d")[0], "an optional character ends the prefix");
        assertEquals("(x)", OsRegex.literals("^\\(x\\)")[0]);
        assertEquals("%", OsRegex.literals("\\p*\\w+\\s+\\d*\\s\\d+:\\d+:\\d+:\\s+%")[1], "no run of two: the rarest character");
        assertNull(OsRegex.literals("\\w+ \\d+")[1], "spaces and letters alone are no filter");
        for (String[] c : new String[][] {{"\\p*\\w+\\s+\\d*\\s\\d+:\\d+:\\d+:\\s+%", "*Mar  1 18:48:50: %SYS-5-CONFIG_I: x"},{"^SSHD", "sshd x"}, {"^ab*c", "ac"}, {"x+y", "xxxy"}, {"(\\w+) from (\\S+)", "root FROM 1.2.3.4"},
                {"^(abc)", "ABC"}, {"a\\.b", "a.b"}, {"^\\(x\\)$", "(x)"}}) {
            assertTrue(OsRegex.of(c[0]).matches(c[1]), c[0] + " on " + c[1]);
        }
    }

    @Test
    void brokenPatternsAreRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> OsRegex.of("(a(b))"));
        assertThrows(IllegalArgumentException.class, () -> OsRegex.of("(ab"));
        assertThrows(IllegalArgumentException.class, () -> OsRegex.of("ab)"));
        assertThrows(IllegalArgumentException.class, () -> OsRegex.of("ab\\"));
    }

    @Test
    void catastrophicBacktrackingIsAbandonedInBoundedTime() {
        String hostile = "a".repeat(5_000) + "!";
        long before = OsRegex.abandonedMatches();
        long t0 = System.nanoTime();
        assertFalse(OsRegex.of("^(\\w*\\w*\\w*\\w*)$").matches(hostile));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 5_000, "a hostile pattern must not stall the pipeline");
        assertTrue(OsRegex.abandonedMatches() > before);
    }
}
