package dev.bulwark.engine.loginspection.ossec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CDB lists: Wazuh's text format, each lookup as Wazuh's OS_DBSearch answers it, and the bundle file that carries them. */
class OssecListsTest {

    private static final String IPS = "10.1.1.1:\n192.168.:office\n172.16.19.:lab\n";
    private static final String USERS = "alice:finance\n\"a0:a0:a0:a0:a0:a0\":printer\r\nbob\n\nalice:second\n";

    private static OssecLists lists() throws Exception {
        return new OssecLists(Map.of("etc/lists/ips", OssecLists.parse(IPS, "ips"), "etc/lists/users", OssecLists.parse(USERS, "users")));
    }

    private static OssecEvent event(OssecLists lists, Map<String, String> fields) {
        return new OssecEvent(0, "stdin", "x", "x", null, "prog", "d", "syslog", fields, new MatchedLevel(), List.of(), lists);
    }

    @Test
    void theTextFormatQuotedKeysBareKeysAndRepeats() throws Exception {
        Map<String, String> users = OssecLists.parse(USERS, "users");
        assertEquals("finance", users.get("alice"), "the first of a repeated key stays, as a CDB lookup finds it");
        assertEquals("printer", users.get("a0:a0:a0:a0:a0:a0"), "a quoted key may hold colons; CRLF is one line end");
        assertEquals("", users.get("bob"), "a line without a colon is a key with an empty value");
        assertEquals(3, users.size(), "blank lines are skipped");
        OssecLists.ListFormatException open = assertThrows(OssecLists.ListFormatException.class, () -> OssecLists.parse("\"ab:1\n", "f"));
        assertTrue(open.getMessage().startsWith("f:1:"), open.getMessage());
        String longKey = "k".repeat(OssecLists.MAX_TEXT + 1) + ":v";
        assertThrows(OssecLists.ListFormatException.class, () -> OssecLists.parse(longKey, "f"));
    }

    @Test
    void keyLookups() throws Exception {
        OssecLists l = lists();
        assertTrue(l.lookup("etc/lists/users", OssecLists.Lookup.MATCH_KEY, null, "alice"));
        assertFalse(l.lookup("etc/lists/users", OssecLists.Lookup.MATCH_KEY, null, "mallory"));
        assertTrue(l.lookup("etc/lists/users", OssecLists.Lookup.NOT_MATCH_KEY, null, "mallory"));
        assertFalse(l.lookup("etc/lists/users", OssecLists.Lookup.NOT_MATCH_KEY, null, "bob"));
        assertTrue(l.lookup("etc/lists/users", OssecLists.Lookup.MATCH_KEY_VALUE, "^fin", "alice"), "the value is tested with OS_Match");
        assertFalse(l.lookup("etc/lists/users", OssecLists.Lookup.MATCH_KEY_VALUE, "^fin", "bob"));
        assertFalse(l.lookup("etc/lists/users", OssecLists.Lookup.MATCH_KEY_VALUE, "^fin", "mallory"));
        assertFalse(l.lookup("etc/lists/absent", OssecLists.Lookup.MATCH_KEY, null, "alice"), "a list not carried holds nothing");
    }

    @Test
    void addressLookupsTryTheDottedPrefixes() throws Exception {
        OssecLists l = lists();
        assertTrue(l.lookup("etc/lists/ips", OssecLists.Lookup.ADDRESS_MATCH_KEY, null, "10.1.1.1"));
        assertFalse(l.lookup("etc/lists/ips", OssecLists.Lookup.ADDRESS_MATCH_KEY, null, "10.1.1.10"), "10.1.1.1 is a host, not a prefix");
        assertTrue(l.lookup("etc/lists/ips", OssecLists.Lookup.ADDRESS_MATCH_KEY, null, "192.168.77.3"), "192.168. covers the /16");
        assertTrue(l.lookup("etc/lists/ips", OssecLists.Lookup.ADDRESS_MATCH_KEY, null, "172.16.19.200"));
        assertFalse(l.lookup("etc/lists/ips", OssecLists.Lookup.ADDRESS_MATCH_KEY, null, "172.16.190.1"), "prefixes end at a dot");
        assertTrue(l.lookup("etc/lists/ips", OssecLists.Lookup.NOT_ADDRESS_MATCH_KEY, null, "8.8.8.8"));
        assertFalse(l.lookup("etc/lists/ips", OssecLists.Lookup.NOT_ADDRESS_MATCH_KEY, null, "192.168.0.1"));
        // Wazuh answers address_match_key_value with the inverse of its key-and-value search
        assertFalse(l.lookup("etc/lists/ips", OssecLists.Lookup.ADDRESS_MATCH_KEY_VALUE, "office", "192.168.1.1"));
        assertTrue(l.lookup("etc/lists/ips", OssecLists.Lookup.ADDRESS_MATCH_KEY_VALUE, "office", "172.16.19.1"));
        assertTrue(l.lookup("etc/lists/ips", OssecLists.Lookup.ADDRESS_MATCH_KEY_VALUE, "office", "8.8.8.8"));
    }

    @Test
    void aRuleConditionReadsTheEventsListsAndAMissingFieldNeverMatches() throws Exception {
        OssecEvent e = event(lists(), Map.of("srcip", "192.168.4.4"));
        assertTrue(OssecRules.list(e, "etc/lists/ips", "address_match_key", null, e.field("srcip")));
        assertFalse(OssecRules.list(e, "etc/lists/ips", "not_address_match_key", null, e.field("srcip")));
        assertFalse(OssecRules.list(e, "etc/lists/ips", "not_address_match_key", null, e.field("dstip")), "no value: no match, even negated");
        assertFalse(OssecRules.list(e, "etc/lists/users", "not_match_key", null, null));
        assertThrows(IllegalArgumentException.class, () -> OssecRules.list(e, "etc/lists/ips", "fuzzy_key", null, "x"));
        assertEquals("OssecLists[etc/lists/ips=3 keys]", new OssecLists(Map.of("etc/lists/ips", OssecLists.parse(IPS, "ips"))).toString(),
                "an event's printout names the lists, not their keys");
    }

    @Test
    void theBundleFileCarriesTheListsAndStillReadsFormatOne() throws Exception {
        OssecDecoders d = new OssecDecoders(List.of(), lists());
        OssecDecoders back = OssecDecoderFile.read(OssecDecoderFile.write(d));
        assertEquals(d.lists().asMap(), back.lists().asMap());
        OssecEvent e = back.decode("Nov 26 10:00:00 web1 x: y", "stdin", 0);
        assertTrue(e.lists().lookup("etc/lists/users", OssecLists.Lookup.MATCH_KEY, null, "bob"), "decoded events carry the lists");

        OssecDecoders old = OssecDecoderFile.read("{\"format\":1,\"decoders\":[]}".getBytes(StandardCharsets.UTF_8));
        assertTrue(old.lists().names().isEmpty());
        IllegalArgumentException future = assertThrows(IllegalArgumentException.class,
                () -> OssecDecoderFile.read("{\"format\":3,\"decoders\":[]}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(future.getMessage().contains("formats 1 to 2"), future.getMessage());
        IllegalArgumentException nullValue = assertThrows(IllegalArgumentException.class,
                () -> OssecDecoderFile.read("{\"format\":2,\"decoders\":[],\"lists\":{\"l\":{\"k\":null}}}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(nullValue.getMessage().contains("list l"), nullValue.getMessage());
    }
}
