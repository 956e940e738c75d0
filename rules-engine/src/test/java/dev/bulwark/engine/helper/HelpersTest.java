package dev.bulwark.engine.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HelpersTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
            "10.0.0.0/8, 10.1.2.3, true",
            "10.0.0.0/8, 11.0.0.1, false",
            "192.168.1.0/24, 192.168.1.255, true",
            "192.168.1.0/24, 192.168.2.1, false",
            "172.16.0.0/12, 172.31.255.255, true",
            "172.16.0.0/12, 172.32.0.0, false",
            "0.0.0.0/0, 8.8.8.8, true",
            "203.0.113.5, 203.0.113.5, true",
            "203.0.113.5/32, 203.0.113.6, false",
            "2001:db8::/32, 2001:db8:1::1, true",
            "2001:db8::/32, 2001:db9::1, false",
            "::1/128, ::1, true",
            "::ffff:0:0/96, ::ffff:192.0.2.1, true",
            "fe80::/10, fe80::1%eth0, true",
            "10.0.0.0/8, 2001:db8::1, false",
            "10.0.0.0/8, 10.0.0.256, false",
            "10.0.0.0/8, not-an-ip, false",
            "10.0.0.0/33, 10.0.0.1, false",
            "10.0.0.0/8, 010.0.0.1, true",
            "garbage, 10.0.0.1, false",
            "1:2:3:4:5:6:7:8/128, 1:2:3:4:5:6:7:8, true",
            "1:2:3:4:5:6:7:8:9/64, 1:2:3:4:5:6:7:8, false"})
    void cidr(String cidr, String address, boolean expected) {
        assertEquals(expected, Cidr.contains(cidr, address));
    }

    @Test
    void cidrRejectsHostNamesWithoutResolvingThem() {
        assertFalse(Cidr.contains("127.0.0.0/8", "localhost"));
        assertFalse(Cidr.isAddress("example.com"));
        assertTrue(Cidr.isPrivate("192.168.0.10"));
        assertFalse(Cidr.isPrivate("203.0.113.5"));
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
            "/etc/*.conf, /etc/ssh.conf, true",
            "/etc/*.conf, /etc/ssh/sshd.conf, false",
            "/etc/**/*.conf, /etc/ssh/sshd.conf, true",
            "/etc/**/*.conf, /etc/a.conf, true",
            "/etc/**, /etc/a/b/c, true",
            "/var/log/*.log, /var/log/auth.log, true",
            "/var/log/*.log, /var/log/auth.log.1, false",
            "/home/?ob/.ssh/*, /home/bob/.ssh/authorized_keys, true",
            "/usr/s[a-c]in/*, /usr/sbin/sshd, true",
            "/usr/s[!b]in/*, /usr/sbin/sshd, false",
            "**/.ssh/authorized_keys, /root/.ssh/authorized_keys, true",
            "/tmp/*, /tmp/a/b, false"})
    void glob(String glob, String path, boolean expected) {
        assertEquals(expected, Glob.matches(glob, path));
    }

    @Test
    void globOnHostileInputStaysFast() {
        String path = "/" + "a".repeat(5000) + "b";
        long start = System.nanoTime();
        assertFalse(Glob.matches("/*a*a*a*a*a*a*a*a*a*a*c", path));
        assertTrue((System.nanoTime() - start) < 5_000_000_000L, "pathological glob must not take seconds");
    }

    @ParameterizedTest(name = "dpkg {0} vs {1}: {2}")
    @CsvSource({
            "1.0, 1.0, 0",
            "1.0, 1.1, -1",
            "1.10, 1.9, 1",
            "1:1.0, 2.0, 1",
            "1.0~rc1, 1.0, -1",
            "1.0, 1.0+deb12u1, -1",
            "1:9.2p1-2+deb12u2, 1:9.2p1-2+deb12u3, -1",
            "1:9.2p1-2+deb12u3, 1:9.2p1-2+deb12u3, 0",
            "2.36-9+deb12u4, 2.36-9+deb12u10, -1",
            "1.0-1, 1.0-1ubuntu1, -1",
            "1.0a, 1.0, 1",
            "1.0~~, 1.0~, -1",
            "0:1.0, 1.0, 0",
            "1.0-0, 1.0, 0"})
    void debianVersions(String a, String b, int expected) {
        assertEquals(expected, Integer.signum(Versions.debian(a, b)));
        assertEquals(-expected, Integer.signum(Versions.debian(b, a)));
    }

    @ParameterizedTest(name = "rpm {0} vs {1}: {2}")
    @CsvSource({
            "1.0, 1.0, 0",
            "1.0, 1.0.1, -1",
            "2.0.1, 2.0.1a, -1",
            "5.5p1, 5.5p10, -1",
            "10xyz, 10.1xyz, -1",
            "xyz10, xyz10.1, -1",
            "1.0~rc1, 1.0, -1",
            "1.0^git1, 1.0, 1",
            "1.0^git1, 1.0.1, -1",
            "1:1.0-1.el9, 2.0-1.el9, 1",
            "8.7p1-38.el9, 8.7p1-38.el9_4.1, -1",
            "a, 1, -1"})
    void rpmVersions(String a, String b, int expected) {
        assertEquals(expected, Integer.signum(Versions.rpm(a, b)));
        assertEquals(-expected, Integer.signum(Versions.rpm(b, a)));
    }

    @ParameterizedTest(name = "semver {0} vs {1}: {2}")
    @CsvSource({
            "1.0.0, 2.0.0, -1",
            "2.1.1, 2.10.0, -1",
            "1.0.0-alpha, 1.0.0, -1",
            "1.0.0-alpha, 1.0.0-alpha.1, -1",
            "1.0.0-alpha.1, 1.0.0-alpha.beta, -1",
            "1.0.0-beta.2, 1.0.0-beta.11, -1",
            "1.0.0-rc.1, 1.0.0, -1",
            "v1.2.3, 1.2.3+build.5, 0"})
    void semver(String a, String b, int expected) {
        assertEquals(expected, Integer.signum(Versions.semver(a, b)));
        assertEquals(-expected, Integer.signum(Versions.semver(b, a)));
    }

    @Test
    void versionDispatchFollowsThePackageManager() {
        assertTrue(Versions.compare("dpkg", "1.0~rc1", "1.0") < 0);
        assertTrue(Versions.compare("rpm", "1.0^git1", "1.0") > 0);
        assertTrue(Versions.compare("npm", "1.0.0-rc.1", "1.0.0") < 0);
    }

    @ParameterizedTest(name = "os_match {0} on {1}: {2}")
    @CsvSource(delimiter = ';', value = {
            "Bad protocol version identification; sshd: Bad protocol version identification 'x'; true",
            "bad PROTOCOL; Bad protocol version; true",
            "^reverse mapping; reverse mapping checking getaddrinfo; true",
            "^reverse mapping; a reverse mapping; false",
            "POSSIBLE BREAK-IN ATTEMPT!$; ... POSSIBLE BREAK-IN ATTEMPT!; true",
            "POSSIBLE BREAK-IN ATTEMPT!$; POSSIBLE BREAK-IN ATTEMPT! x; false",
            "^sshd$; sshd; true",
            "^sshd$; sshd2; false",
            "^sshd|^sshd-session; sshd-session; true",
            "failed|refused; connection refused; true",
            "failed|refused; accepted; false",
            "a|; anything at all; true",
            "^$; ''; true",
            "^$; x; false",
            "!regex_example_9; test_regex regex_example_1; true",
            "!regex_example_1; test_regex regex_example_1; false",
            "!^sshd$|^su$; su; false",
            "!^sshd$|^su$; cron; true",
            "foo|fob|bar; xxFOBxx; true",
            "foo|fob|bar; xxfo; false",
            "abc|bcd; ab; false",
            "kelvin|zzz; \u212Aelvin; true",
            "\u00e4rger|x1; DER \u00c4RGER; true",
            "\u00e4rger|x1; der arger; false"})
    void osMatch(String pattern, String subject, boolean expected) {
        assertEquals(expected, OsMatch.find(pattern, subject));
    }

    @Test
    void osMatchAgreesWithOneSearchPerAlternative() {
        // the single pass over the subject gives what searching for each alternative in turn gives
        java.util.Random random = new java.util.Random(7);
        String alphabet = "abAB k\u212A\u017Fs\u00e4\u00c4|^$";
        for (int round = 0; round < 20_000; round++) {
            String pattern = randomText(random, alphabet, 1 + random.nextInt(12));
            String subject = randomText(random, alphabet.replace("|", "").replace("^", "").replace("$", ""), random.nextInt(16));
            boolean expected = false;
            boolean negate = pattern.startsWith("!");
            for (String alt : pattern.toLowerCase(java.util.Locale.ROOT).split("\\|", -1)) {
                boolean begin = alt.startsWith("^");
                boolean end = alt.length() > (begin ? 1 : 0) && alt.endsWith("$");
                String core = alt.substring(begin ? 1 : 0, alt.length() - (end ? 1 : 0));
                int n = subject.length();
                int m = core.length();
                boolean hit;
                if (alt.isEmpty()) {
                    hit = true;
                } else if (begin && end) {
                    hit = n == m && subject.regionMatches(true, 0, core, 0, m);
                } else if (begin) {
                    hit = n >= m && subject.regionMatches(true, 0, core, 0, m);
                } else if (end) {
                    hit = n >= m && subject.regionMatches(true, n - m, core, 0, m);
                } else {
                    hit = false;
                    for (int i = 0; i + m <= n && !hit; i++) {
                        hit = subject.regionMatches(true, i, core, 0, m);
                    }
                }
                expected |= hit;
            }
            assertEquals(expected != negate, OsMatch.find(pattern, subject), "'" + pattern + "' on '" + subject + "'");
        }
    }

    private static String randomText(java.util.Random random, String alphabet, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    @Test
    void catastrophicPatternIsAbandonedNotHung() {
        long before = Patterns.abandonedMatches();
        long start = System.nanoTime();
        assertFalse(Patterns.find("^(.*a){12}$", "a".repeat(32) + "!"));
        assertEquals(before + 1, Patterns.abandonedMatches());
        assertTrue((System.nanoTime() - start) < 5_000_000_000L);
        assertTrue(Patterns.find("Failed password for (invalid user )?\\S+ from", "Failed password for invalid user x from 1.2.3.4"));
        assertFalse(Patterns.find("([unclosed", "anything"));
    }
}
