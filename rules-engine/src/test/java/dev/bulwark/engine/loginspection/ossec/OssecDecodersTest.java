package dev.bulwark.engine.loginspection.ossec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Pre-decoding and the decoder tree, on small hand-written decoders. */
class OssecDecodersTest {

    private static PatternRef re(String text, String offset) {
        return new PatternRef(text, "osregex", offset, false);
    }

    private static DecoderSpec decoder(String name, String parent, PatternRef program, PatternRef prematch, List<PatternRef> regexes,
                                       List<List<String>> orders, String plugin) {
        return new DecoderSpec(name, parent, program, prematch, regexes, orders, plugin, null, false, null, "test.xml:1", List.of(), null);
    }

    private static final OssecDecoders SSHD = new OssecDecoders(List.of(
            decoder("sshd", null, new PatternRef("^sshd", "osmatch", null, false), null, List.of(), List.of(), null),
            decoder("sshd-fail", "sshd", null, re("^Failed \\S+ ", null),
                    List.of(re("^for (\\S+) from (\\S+) port (\\d+)", "after_prematch")), List.of(List.of("user", "srcip", "srcport")), null),
            decoder("sshd-fail", "sshd", null, null, List.of(re("(ssh\\d)$", "after_regex")), List.of(List.of("protocol")), null),
            decoder("sshd-other", "sshd", null, re("^Accepted", null), List.of(re("from (\\S+)", null)), List.of(List.of("srcip")), null),
            decoder("json", null, null, re("^{\\s*\"", null), List.of(), List.of(), "JSON_Decoder")));

    @Test
    void syslogHeaderGivesHostProgramAndMessage() {
        OssecEvent e = SSHD.decode("Feb  9 11:44:56 someserver sshd[1234]: Failed password for root from 10.0.0.1 port 22 ssh2", "stdin", 0);
        assertEquals("someserver", e.hostname());
        assertEquals("sshd", e.programName());
        assertEquals("Failed password for root from 10.0.0.1 port 22 ssh2", e.log());
    }

    @Test
    void childAndItsSiblingsAddFieldsUnderTheParentsName() {
        OssecEvent e = SSHD.decode("Feb  9 11:44:56 someserver sshd[1234]: Failed password for root from 10.0.0.1 port 22 ssh2", "stdin", 0);
        assertEquals("sshd", e.decoder());
        assertEquals("root", e.field("dstuser"), "order 'user' is the destination user");
        assertEquals("root", e.user());
        assertEquals("10.0.0.1", e.field("srcip"));
        assertEquals("22", e.field("srcport"));
        assertEquals("ssh2", e.field("protocol"), "the sibling continues after the previous regex");
    }

    @Test
    void aSiblingGroupWhoseFirstMemberFailsIsSkippedWhole() {
        OssecEvent e = SSHD.decode("Feb  9 11:44:56 someserver sshd[1234]: Accepted publickey for root from 10.0.0.2 port 22 ssh2", "stdin", 0);
        assertEquals("10.0.0.2", e.field("srcip"));
        assertNull(e.field("protocol"), "sshd-fail's later member must not run when its first did not match");
    }

    @Test
    void aSiblingWithoutPrematchWhoseRegexFailsAddsNothingButTheNextStillRun() {
        // the shape of Wazuh's wazuh-api-fields: ten siblings, each a regex for one field, some absent from a line
        OssecDecoders api = new OssecDecoders(List.of(
                decoder("api", null, null, re("^\\d+/\\d+/\\d+ ", null), List.of(), List.of(), null),
                decoder("api-fields", "api", null, null, List.of(re("\\((\\S+)\\) ", null)), List.of(List.of("hash")), null),
                decoder("api-fields", "api", null, null, List.of(re("\"(\\w+) ", null)), List.of(List.of("method")), null),
                decoder("api-fields", "api", null, null, List.of(re(": (\\d+)$", null)), List.of(List.of("status")), null)));
        OssecEvent e = api.decode("2021/10/05 10:33:18 INFO: x 172.21.0.1 \"GET /agents\" done: 401", "stdin", 0);
        assertEquals("api", e.decoder());
        assertNull(e.field("hash"));
        assertEquals("GET", e.field("method"));
        assertEquals("401", e.field("status"));
    }

    @Test
    void aProgramAfterTheDateMeansNoHostAndProgramNamedRootsComeFirst() {
        OssecDecoders d = new OssecDecoders(List.of(
                decoder("json", null, null, re("^{\\s*\"", null), List.of(), List.of(), "JSON_Decoder"),
                decoder("eset", null, new PatternRef("^ERAServer$", "osmatch", null, false), null, List.of(), List.of(), null),
                decoder("dovecot-info", null, new PatternRef("^Info$", "osmatch", null, false), null, List.of(), List.of(), null)));
        OssecEvent info = d.decode("Mar 13 15:25:07 Info: auth(default): pam(u,1.2.3.4): failed", "stdin", 0);
        assertNull(info.hostname());
        assertEquals("Info", info.programName());
        assertEquals("dovecot-info", info.decoder());
        OssecEvent eset = d.decode("May  6 10:59:37 host ERAServer[5032]: {\"severity\":\"Error\"}", "stdin", 0);
        assertEquals("eset", eset.decoder(), "a root naming the program wins over a generic one loaded before it");
        assertEquals("json", d.decode("{\"a\":1}", "stdin", 0).decoder());
    }

    @Test
    void isoAndMacosHeadersAndSolarisIdsArePreDecoded() {
        assertEquals("localhost", SSHD.decode("2020-03-24 08:38:42.344447-0700  localhost sshd[2519]: Failed password for u from 1.2.3.4 port 1 ssh2", "stdin", 0).hostname());
        assertEquals("h", SSHD.decode("2021-01-01T10:00:00.123+02:00 h sshd: Accepted x from 1.1.1.1", "stdin", 0).hostname());
        assertEquals("Failed none for root from 192.168.1.1 port 36942 ssh2",
                SSHD.decode("Aug 18 07:30:25 192.168.1.5 sshd[20247]: [ID 800047 auth.notice] Failed none for root from 192.168.1.1 port 36942 ssh2", "stdin", 0).log());
    }

    @Test
    void jsonBecomesDottedFieldsFoundWithoutRegardToCase() {
        OssecEvent e = SSHD.decode("{\"win\":{\"eventdata\":{\"scriptBlockId\":\"x1\"}},\"list\":[1,2],\"n\":null}", "stdin", 0);
        assertEquals("json", e.decoder());
        assertEquals("x1", e.field("win.eventdata.ScriptBlockId"));
        assertEquals("[1,2]", e.field("list"));
        assertEquals("null", e.field("n"), "a JSON null is the text null unless <json_null_field> says otherwise");
        OssecEvent gcp = SSHD.decode("{\"authorizationInfo\":[{\"permission\":\"a\\\"b\",\"granted\":true}]}", "stdin", 0);
        assertEquals("[{\"permission\":\t\"a\\\"b\",\"granted\":\ttrue}]", gcp.field("authorizationInfo"),
                "an array of objects is JSON text with a tab after each colon, as cJSON prints it");
    }

    @Test
    void anEmptyProgramNameAcceptsLinesWithAndWithoutOne() {
        OssecDecoders pam = new OssecDecoders(List.of(
                decoder("sshd", null, new PatternRef("^sshd", "osmatch", null, false), null, List.of(), List.of(), null),
                decoder("pam", null, new PatternRef("", "osmatch", null, false), re("^pam_unix", null), List.of(), List.of(), null)));
        // Wazuh reports cron's and passwd's pam_unix lines as PAM sessions; a device line has no program at all
        assertEquals("pam", pam.decode("Nov 11 00:00:00 web1 CRON[2002]: pam_unix(cron:session): session opened for user root(uid=0)",
                "stdin", 0).decoder());
        assertEquals("pam", pam.decode("pam_unix(passwd:chauthtok): password changed for marge", "stdin", 0).decoder());
        assertEquals("sshd", pam.decode("Nov 11 00:00:00 web1 sshd[1]: pam_unix(sshd:session): session opened", "stdin", 0).decoder(),
                "a root naming the program comes first");
    }

    @Test
    void fieldsAreFoundAsTheCaseInsensitiveOrderFindsThem() {
        java.util.Map<String, String> ascii = new java.util.LinkedHashMap<>();
        ascii.put("srcIP", "10.0.0.1");
        ascii.put("SRCip", "shadowed");
        ascii.put("User", "root");
        OssecEvent e = new OssecEvent(0, "stdin", "x", "x", null, null, null, null, ascii);
        java.util.TreeMap<String, String> reference = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        ascii.forEach(reference::putIfAbsent);
        for (String k : java.util.List.of("srcip", "SRCIP", "srcIP", "user", "USER", "missing", "\u212Aey", "us\u0131r")) {
            assertEquals(reference.get(k), e.field(k), k);
        }
        assertEquals(java.util.List.of("srcIP", "User"), java.util.List.copyOf(e.fields().keySet()), "names keep their case, in order");
        // a non-ASCII name: the Kelvin sign folds to k, which lower case alone would miss
        OssecEvent k = new OssecEvent(0, "stdin", "x", "x", null, null, null, null, java.util.Map.of("\u212Aey", "v"));
        java.util.TreeMap<String, String> kref = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        kref.put("\u212Aey", "v");
        for (String name : java.util.List.of("key", "KEY", "\u212Aey", "kex")) {
            assertEquals(kref.get(name), k.field(name), name);
        }
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, () -> e.fields().put("a", "b"));
    }

    @Test
    void hostileJsonAndLinesStillYieldAnEvent() {
        String deep = "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000);
        OssecEvent e = SSHD.decode(deep, "stdin", 0);
        assertEquals("json", e.decoder());
        assertTrue(e.fields().containsKey("json_error"), "too deep to decode, and said so");
        OssecEvent huge = SSHD.decode("x".repeat(1 << 20) + "\u0000\r\nFailed", "stdin", 0);
        assertNull(huge.decoder());
        assertEquals((1 << 20) + 9, huge.fullLog().length(), "the line is kept whole for the report");
    }

    @Test
    void brokenDecodersAreReportedAndLeftOut() {
        OssecDecoders d = new OssecDecoders(List.of(
                decoder("bad", null, null, re("(unclosed", null), List.of(), List.of(), null),
                decoder("orphan", "nowhere", null, re("x", null), List.of(), List.of(), null),
                decoder("plug", null, null, re("y", null), List.of(), List.of(), "PF_Decoder")));
        assertEquals(3, d.problems().size());
        assertEquals(0, d.size());
    }

    private static void header(String line, String host, String program, String log) {
        OssecDecoders.Header h = OssecDecoders.predecode(line);
        assertEquals(new OssecDecoders.Header(host, program, log), h, line);
    }

    @Test
    void preDecodingKnowsTheHeadersWazuhKnows() {
        header("Dec 29 10:00:01 web1 sshd[12]: Accepted", "web1", "sshd", "Accepted");
        header("2015 Dec 29 10:00:01 web1 sshd: Accepted", "web1", "sshd", "Accepted");
        header("2015-04-16 21:51:02,805 zuse proftpd[26189] zuse.domain.com (1.2.3.4[1.2.3.4]): USER root (Login failed)", "zuse", "proftpd",
                "zuse.domain.com (1.2.3.4[1.2.3.4]): USER root (Login failed)");
        header("Feb 20 12:26:25 date=2011-02-20 time=12:26:24 devname=fw", null, null, "date=2011-02-20 time=12:26:24 devname=fw");
        header("Mon Apr 17 18:27:14 2006 1 64.160.42.130 5 /tmp/x b _ o r user ftp 0 * c", null, null,
                "1 64.160.42.130 5 /tmp/x b _ o r user ftp 0 * c");
        header("01/28-09:13:16.240702  [**] [1:2003:8] MS-SQL", null, null, "[**] [1:2003:8] MS-SQL");
        header("01/28/1979-09:13:16.240702  [**] [1:2003:8] ET SCAN", null, null, "[**] [1:2003:8] ET SCAN");
        header("[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6", null, null,
                "[error] mod_jk child workerEnv in error state 6");
        header("1140701044.525   1231 192.168.1.201 TCP_DENIED/400 1536 GET ahmet - NONE/- text/html", null, null,
                "1231 192.168.1.201 TCP_DENIED/400 1536 GET ahmet - NONE/- text/html");
        header("[Time 2006.12.28 15:53:55 UTC] [Facility auth] [Sender sshd] [PID 483] [Message error: PAM: failure for x] [Level 3] [Host mac1]",
                "mac1", "sshd", "error: PAM: failure for x");
        header("[Time 2006.12.28 15:53:55 UTC] [Sender sshd] [Message never closed", null, "sshd", "never closed");
        header("Mar 13 15:25:07 Info: auth ok", null, "Info", "auth ok");
        header("Jul 17 14:49:57 dnsmasq[15210]: 21745 10.10.10.33/59490 reply", null, null, "dnsmasq[15210]: 21745 10.10.10.33/59490 reply");
        header("no header at all", null, null, "no header at all");
        header("[Sun Dec", null, null, "[Sun Dec");
    }

    @Test
    void theSonicWallPluginReadsPriorityAddressesAndWhatHappened() {
        OssecDecoders d = new OssecDecoders(List.of(decoder("sonicwall", null, null, re("^id=\\w+ sn=\\w+ ", null), List.of(), List.of(),
                "SonicWall_Decoder")));
        OssecEvent opened = d.decode("id=firewall sn=000SERIAL time=\"2007-01-03 14:48:06\" fw=1.1.1.1 pri=6 c=262144 m=98 "
                + "msg=\"Connection Opened\" n=23419 src=2.2.2.2:36701:WAN dst=1.1.1.1:50000:WAN proto=tcp/50000", "stdin", 0);
        assertEquals("sonicwall", opened.decoder());
        assertEquals("firewall", opened.category());
        assertEquals(java.util.Map.of("status", "6", "id", "98", "srcip", "2.2.2.2", "srcport", "36701", "dstip", "1.1.1.1",
                "dstport", "50000", "protocol", "tcp", "action", "pass"), new java.util.TreeMap<>(opened.fields()));
        OssecEvent ids = d.decode("id=firewall sn=X time=\"t\" fw=1.1.1.1 pri=1 c=32 m=30 msg=\"Administrator login denied\" n=7 "
                + "src=2.2.2.2:36701:WAN dst=1.1.1.1:50000:WAN", "stdin", 0);
        assertEquals("ids", ids.category());
        assertEquals("1", ids.field("status"));
        OssecEvent proxy = d.decode("id=firewall sn=X time=\"t\" fw=1.1.1.1 pri=6 c=1024 m=97 n=1 src=10.0.0.2:1234:LAN "
                + "dst=93.184.216.34:80:WAN result=404 dstname=example.com arg=/missing", "stdin", 0);
        assertEquals("squid", proxy.category());
        assertEquals("404", proxy.field("id"), "the HTTP result is the id");
        assertEquals("example.com/missing", proxy.field("url"));
        OssecEvent noAddresses = d.decode("id=NSA3500BR sn=0017C5DFCEEC time=\"t\" fw=172.29.169.2 pri=1 c=32 m=1388 msg=\"IPSec\" "
                + "n=1 src=37.186.204.2 dst=172.29.168.2", "stdin", 0);
        assertEquals("syslog", noAddresses.category(), "without ports the plugin stops after the priority");
        assertEquals("1388", noAddresses.field("id"));
        assertNull(noAddresses.field("srcip"));
    }
}
