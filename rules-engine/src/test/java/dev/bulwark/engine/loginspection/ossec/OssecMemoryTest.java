package dev.bulwark.engine.loginspection.ossec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The correlation memory: Wazuh's walk (window, same field, used alerts), first-time-seen, and its bounds. */
class OssecMemoryTest {

    private static OssecEvent event(long t, String srcip) {
        return new OssecEvent(t, "/var/log/auth.log", "line", "line", "h", "sshd", "sshd", "syslog",
                srcip == null ? Map.of() : Map.of("srcip", srcip, "dstuser", "root"), new MatchedLevel(), List.of("name", "srcip"), OssecLists.NONE);
    }

    /** The event alerted on rule 100, which rule 200 correlates on by source address. */
    private static void alert(OssecMemory memory, long t, String srcip) {
        OssecMatch m = OssecRules.descend(OssecMatch.root(event(t, srcip), memory), "100", 1, 5, "auth,", "failure", false, 500,
                "s:100,s:100#srcip", "");
        OssecRules.remember(m);
    }

    private static OssecMatch at(OssecMemory memory, long t, String srcip) {
        return OssecRules.descend(OssecMatch.root(event(t, srcip), memory), "100", 1, 5, "auth,", "failure", false, 500, "", "");
    }

    @Test
    void countsNewestFirstWithinTheWindowAndBySource() {
        OssecMemory memory = new OssecMemory();
        alert(memory, 1_000, "203.0.113.9");
        alert(memory, 2_000, "198.51.100.4");
        alert(memory, 3_000, "203.0.113.9");
        OssecMatch now = at(memory, 4_000, "203.0.113.9");
        assertTrue(OssecRules.frequent(now, "s:100", 2, 10, 60_000, "srcip", ""), "two earlier failures from this address");
        assertFalse(OssecRules.frequent(now, "s:100", 3, 10, 60_000, "srcip", ""), "the third was from elsewhere");
        assertTrue(OssecRules.frequent(now, "s:100", 3, 10, 60_000, "", ""), "without same_source_ip all three count");
        assertFalse(OssecRules.frequent(now, "s:100", 2, 10, 1_500, "srcip", ""), "the first is outside a 1.5 s window");
        assertFalse(OssecRules.frequent(at(memory, 4_000, null), "s:100", 1, 10, 60_000, "srcip", ""), "no address, nothing shared");
    }

    @Test
    void alertsUsedByACorrelationAreNotCountedAgain() {
        OssecMemory memory = new OssecMemory();
        for (int i = 0; i < 3; i++) {
            alert(memory, 1_000 + i, "203.0.113.9");
        }
        OssecMatch fourth = at(memory, 1_010, "203.0.113.9");
        assertTrue(OssecRules.frequent(fourth, "s:100", 3, 10, 60_000, "srcip", ""));
        OssecRules.correlated(fourth, "s:100", 3, 10, 60_000, "srcip", "");
        assertFalse(OssecRules.frequent(at(memory, 1_011, "203.0.113.9"), "s:100", 3, 10, 60_000, "srcip", ""),
                "the newest counted alert now stops the walk");
        assertTrue(OssecRules.frequent(at(memory, 1_011, "203.0.113.9"), "s:100", 3, 12, 60_000, "srcip", ""),
                "a correlation of a higher level still counts them");
        for (int i = 0; i < 3; i++) {
            alert(memory, 1_020 + i, "203.0.113.9");
        }
        assertTrue(OssecRules.frequent(at(memory, 1_030, "203.0.113.9"), "s:100", 3, 10, 60_000, "srcip", ""), "three new ones do");
    }

    @Test
    void firstTimeSeenIsPerKeyAndOnlyAfterTheRuleFired() {
        OssecMemory memory = new OssecMemory();
        OssecMatch a = at(memory, 1, "203.0.113.9");
        assertTrue(OssecRules.firstTime(a));
        assertTrue(OssecRules.firstTime(a), "checking does not mark");
        OssecRules.seen(a);
        assertFalse(OssecRules.firstTime(at(memory, 2, "203.0.113.9")));
        assertTrue(OssecRules.firstTime(at(memory, 3, "198.51.100.4")), "another address is another key");
        OssecEvent noFts = new OssecEvent(4, "x", "l", "l", null, null, "d", "syslog", Map.of());
        assertFalse(OssecRules.firstTime(OssecMatch.root(noFts, memory)), "a decoder without <fts> never matches if_fts");
    }

    @Test
    void boundedByAgeAndSize() {
        OssecMemory memory = new OssecMemory();
        alert(memory, 0, "192.0.2.1");
        alert(memory, OssecMemory.MAX_AGE_MILLIS + 1_000, "192.0.2.2");
        assertEquals(2, memory.size(), "the two-hour-old alert left both of its lists");
        for (int i = 0; i < OssecMemory.MAX_ENTRIES; i++) {
            alert(memory, OssecMemory.MAX_AGE_MILLIS + 2_000, "10.0." + (i >> 8 & 255) + "." + (i & 255));
        }
        assertTrue(memory.size() <= OssecMemory.MAX_ENTRIES, "never more than the bound: " + memory.size());
        assertTrue(OssecRules.frequent(at(memory, OssecMemory.MAX_AGE_MILLIS + 3_000, "10.0.0.1"), "s:100", 1, 10, 60_000, "", ""));
    }
}
