package dev.bulwark.engine.loginspection.ossec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The built-in checks behind {@code <compiled_rule>}, as OSSEC documents them. */
class OssecRulesCompiledTest {

    private static OssecEvent event(String log, Map<String, String> fields) {
        return new OssecEvent(0, "x", log, log, null, null, "d", "syslog", fields);
    }

    @Test
    void simpleHttpRequestsHaveNoQuery() {
        assertTrue(OssecRules.compiled("is_simple_http_request", event("l", Map.of("url", "/"))));
        assertTrue(OssecRules.compiled("is_simple_http_request", event("l", Map.of("url", "/wp-login.php"))));
        assertFalse(OssecRules.compiled("is_simple_http_request", event("l", Map.of("url", "/index.php?id=1"))));
        assertFalse(OssecRules.compiled("is_simple_http_request", event("l", Map.of())), "no URL, no match");
        assertTrue(OssecRules.compiled("is_simple_http_request", event("l", Map.of("url", "/a", "action", "get"))));
        assertFalse(OssecRules.compiled("is_simple_http_request", event("l", Map.of("url", "/wp-login.php", "action", "POST"))),
                "a POST is never simple: 31108 must not hide login attempts and POST floods from the rules below it");
    }

    @Test
    void crawlersAreKnownAddressPrefixes() {
        assertTrue(OssecRules.compiled("is_valid_crawler", event("66.249.66.1 - - [x] \"GET / HTTP/1.1\"", Map.of())));
        assertFalse(OssecRules.compiled("is_valid_crawler", event("203.0.113.9 - - [x] \"GET / HTTP/1.1\"", Map.of())));
    }

    @Test
    void idSizeAndUsers() {
        assertTrue(OssecRules.compiled("check_id_size", event("l", Map.of("id", "0123456789"))));
        assertFalse(OssecRules.compiled("check_id_size", event("l", Map.of("id", "012345678"))));
        assertTrue(OssecRules.compiled("comp_srcuser_dstuser", event("l", Map.of("srcuser", "root"))), "one missing counts as equal");
        assertTrue(OssecRules.compiled("comp_srcuser_dstuser", event("l", Map.of("srcuser", "a", "dstuser", "a"))));
        assertFalse(OssecRules.compiled("comp_srcuser_dstuser", event("l", Map.of("srcuser", "a", "dstuser", "b"))));
    }

    @Test
    void windowsTargetAndCallerDiffer() {
        String differ = "Target Account Name: alice\tTarget Domain: X\tCaller User Name: bob\tCaller Domain: X";
        String same = "Target Account Name: alice\tCaller User Name: alice\t";
        assertTrue(OssecRules.compiled("comp_mswin_targetuser_calleruser_diff", event(differ, Map.of())));
        assertFalse(OssecRules.compiled("comp_mswin_targetuser_calleruser_diff", event(same, Map.of())));
        assertFalse(OssecRules.compiled("comp_mswin_targetuser_calleruser_diff", event("Target Account Name: a", Map.of())));
        assertFalse(OssecRules.compiled("no_such_check", event("l", Map.of())));
    }

    @Test
    void addressConditionsHonourBothNegations() {
        assertTrue(OssecRules.ip("192.168.0.0/24", "192.168.0.7"));
        assertFalse(OssecRules.ip("!192.168.0.0/24", "192.168.0.7"));
        assertTrue(OssecRules.ip("192.168.0.15", true, "10.0.0.1"), "negate=\"yes\": an address outside the spec");
        assertFalse(OssecRules.ip("192.168.0.15", true, "192.168.0.15"));
        assertTrue(OssecRules.ip("!10.0.0.0/8", true, "10.0.0.1"), "both negations cancel");
        assertFalse(OssecRules.ip("192.168.0.15", true, null), "a missing address never matches, negated or not");
        assertFalse(OssecRules.ip("192.168.0.15", true, "not-an-address"));
    }

    @Test
    void wazuhStringTypeIsTheExactText() {
        assertTrue(OssecRules.exact("DROP", false, "DROP"));
        assertFalse(OssecRules.exact("DROP", false, "SFW2-INext-DROP-DEFLT"), "not a substring, as OS_Match would take it");
        assertFalse(OssecRules.exact("DROP", false, "drop"), "case counts");
        assertTrue(OssecRules.exact("DROP", true, "ACCEPT"));
        assertFalse(OssecRules.exact("DROP", true, null), "a missing value never matches, negated or not");
    }
}
