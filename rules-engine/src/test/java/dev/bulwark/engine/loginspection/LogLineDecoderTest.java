package dev.bulwark.engine.loginspection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.loginspection.decoder.LogLineDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LogLineDecoderTest {

    static final LogLineDecoder DECODER = new LogLineDecoder(Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC), ZoneOffset.UTC);

    /** line, decoder, action, source (IP or host name), user. */
    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of("Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186", "sshd", "invalid-user", "173.234.31.186", "webmaster"),
                Arguments.of("Dec 10 07:07:38 LabSZ sshd[24206]: Failed password for invalid user test9 from 52.80.34.196 port 36060 ssh2", "sshd", "failed-password", "52.80.34.196", "test9"),
                Arguments.of("Nov 11 08:04:52 redbamboo sshd[2737]: Failed password for invalid user x from 6.6.6.6 port 22 ssh2 from 203.0.113.5 port 40000 ssh2", "sshd", "failed-password", "203.0.113.5", "x from 6.6.6.6 port 22 ssh2"),
                Arguments.of("Feb 25 14:34:10 belka sshd[31603]: Failed password for invalid user ROOT from aaaa:bbbb:cccc:1234::1:1 port 50273 ssh2", "sshd", "failed-password", "aaaa:bbbb:cccc:1234::1:1", "ROOT"),
                Arguments.of("Apr 29 20:11:08 Jamess-iMac.local sshd[63814]: [ID 800047 auth.info] Failed keyboard-interactive for <invalid username> from 205.186.180.35 port 42742 ssh2", "sshd", "failed-keyboard-interactive", "205.186.180.35", "<invalid username>"),
                Arguments.of("Nov 28 09:16:03 srv sshd[32307]: Accepted publickey for git from 192.0.2.1 port 57904 ssh2: DSA 36:48", "sshd", "accepted", "192.0.2.1", "git"),
                Arguments.of("Jan  5 01:31:41 www sshd[1643]: ROOT LOGIN REFUSED FROM 1.2.3.4 port 12345 [preauth]", "sshd", "root-login-refused", "1.2.3.4", "root"),
                Arguments.of("Mar 26 04:56:27 angel sshd[9739]: User allena from example.com not allowed because not in any group", "sshd", "not-allowed", "example.com", "allena"),
                Arguments.of("Nov 23 21:50:37 myhost sshd[21810]: error: maximum authentication attempts exceeded for root from 61.0.0.1 port 49940 ssh2 [preauth]", "sshd", "max-auth-exceeded", "61.0.0.1", "root"),
                Arguments.of("Apr 29 17:16:20 Jamess-iMac.local sshd[62312]: error: PAM: authentication error for james from example.com via 192.168.1.201", "sshd", "auth-failure", "example.com", "james"),
                Arguments.of("Jun  7 01:10:56 host sshd[5937]: Did not receive identification string from 69.61.56.114", "sshd", "no-identification", "69.61.56.114", null),
                Arguments.of("Mar 15 09:21:02 host sshd[2717]: Connection closed by 192.0.2.212 [preauth]", "sshd", "connection-closed", "192.0.2.212", null),
                Arguments.of("Nov 26 16:47:51 srv sshd[19320]: Disconnected from authenticating user root 192.0.2.6 port 33553 [preauth]", "sshd", "disconnected", "192.0.2.6", "root"),
                Arguments.of("Oct  1 17:27:44 localhost sshd[24077]: error: Received disconnect from 94.249.236.6: 3: com.jcraft.jsch.JSchException: Auth fail [preauth]", "sshd", "received-disconnect", "94.249.236.6", null),
                Arguments.of("<38>1 2019-07-08T17:40:17.954167-04:00 hostname.example.com sshd 55555 - [timeQuality tzKnown=\"1\" isSynced=\"0\"][xxx@123 test=\"[brackets]\"] Failed unknown for invalid user redmond from 192.0.2.2 port 55555 ssh2", "sshd", "failed-unknown", "192.0.2.2", "redmond"),
                Arguments.of("srv sshd[31602]: Failed password for invalid user ROOT from 194.117.26.70 port 12345", "sshd", "failed-password", "194.117.26.70", "ROOT"),
                Arguments.of("Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=173.234.31.186 ", "pam", "auth-failure", "173.234.31.186", null),
                Arguments.of("Jun 15 02:04:59 combo sshd(pam_unix)[20882]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=220-135-151-1.hinet-ip.hinet.net  user=root", "pam", "auth-failure", "220-135-151-1.hinet-ip.hinet.net", "root"),
                Arguments.of("Jul 19 18:11:50 srv2 daemon: pam_unix(auth): authentication failure; logname= uid=0 euid=0 tty=xxx ruser=test rhost=192.0.2.151 rhost=192.0.2.1", "pam", "auth-failure", "192.0.2.1", null),
                Arguments.of("Jul 19 18:11:52 srv2 daemon: pam_unix(auth): authentication failure; logname= uid=0 euid=0 tty=xxx ruser= rhost=192.0.2.2 user=test rhost=192.0.2.152", "pam", "auth-failure", "192.0.2.2", "test rhost=192.0.2.152"),
                Arguments.of("@400000004c91b044077a9e94 dovecot-auth: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=rhost=1.2.3.4 rhost=192.0.43.10", "pam", "auth-failure", "192.0.43.10", null),
                Arguments.of("Nov 26 07:01:02 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash", "sudo", "command", null, "alice"),
                Arguments.of("Nov 26 07:01:02 web1 sudo: mallory : user NOT in sudoers ; TTY=pts/1 ; PWD=/tmp ; USER=root ; COMMAND=/bin/cat /etc/shadow", "sudo", "not-in-sudoers", null, "mallory"),
                Arguments.of("Nov 26 07:01:02 web1 sudo:      bob : 3 incorrect password attempts ; TTY=pts/2 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/apt update", "sudo", "incorrect-password-attempts", null, "bob"),
                Arguments.of("Nov 26 07:02:00 web1 su: FAILED SU (to root) bob on pts/2", "su", "failed", null, "bob"),
                Arguments.of("Nov 26 07:03:00 web1 useradd[901]: new user: name=toor, UID=0, GID=0, home=/root, shell=/bin/bash, from=/dev/pts/1", "accounts", "user-added", null, "toor"),
                Arguments.of("Nov 26 07:04:00 web1 kernel: [12345.678901] [UFW BLOCK] IN=eth0 OUT= MAC=00:11 SRC=203.0.113.9 DST=198.51.100.2 LEN=40 TOS=0x00 PREC=0x00 TTL=245 ID=54321 PROTO=TCP SPT=44444 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0", "kernel", "firewall-packet", "203.0.113.9", null),
                Arguments.of("Nov 26 07:05:01 web1 CRON[1234]: (root) CMD (/usr/lib/php/sessionclean)", "cron", "command", null, "root"),
                Arguments.of("Jul 12 07:47:48 saturn postfix/smtpd[8738]: NOQUEUE: reject: RCPT from 1-2-3-4-example.com[1.2.3.4]: 554 5.7.1 <smtp@example.com>: Relay access denied; from=<john@example.com> to=<smtp@example.org> proto=SMTP helo=<198.51.100.17>", "postfix", "rejected", "1.2.3.4", null),
                Arguments.of("Apr 12 02:24:11 xxx postfix/smtps/smtpd[42]: warning: astra4139.startdedicated.de[62.138.2.143]: SASL LOGIN authentication failed: UGFzc3dvcmQ6", "postfix", "sasl-auth-failed", "62.138.2.143", null),
                Arguments.of("Jun 13 16:30:54 platypus dovecot: imap-login: Disconnected (auth failed, 2 attempts): user=<username.bob>, method=PLAIN, rip=49.176.98.87, lip=113.212.99.194, TLS", "dovecot", "auth-failed", "49.176.98.87", "username.bob"),
                Arguments.of("Jun 11 13:57:17 main dovecot: auth: ldap(user@server.org,192.168.178.25,<LZmGp6mZaMrAqLIZ>): unknown user (SHA1 of given password: f638ff)", "dovecot", "unknown-user", "192.168.178.25", "user@server.org"),
                Arguments.of("130324  0:04:00 [Warning] Access denied for user 'root'@'192.168.1.35' (using password: NO)", "mysql", "access-denied", "192.168.1.35", "root"),
                Arguments.of("2016-02-24T15:26:18.237955 6 [Note] Access denied for user 'root'@'localhost' (using password: YES)", "mysql", "access-denied", "localhost", "root"),
                Arguments.of("2024-03-01 10:11:12.345 UTC [4242] app@shop FATAL:  password authentication failed for user \"app\"", "postgres", "auth-failed", null, "app"),
                Arguments.of("203.0.113.7 - - [26/Nov/2026:07:10:00 +0000] \"GET /wp-login.php HTTP/1.1\" 404 162 \"-\" \"Mozilla/5.0\"", "web-access", "request", "203.0.113.7", null),
                Arguments.of("[Sat Jul 20 21:34:49.453232 2013] [access_compat:error] [pid 17512:tid 140123104306944] [client 127.0.0.1:51380] AH01797: client denied by server configuration: /var/www/html/noentry/cant_get_me.html", "apache-error", "access-denied", "127.0.0.1", null),
                Arguments.of("[Sat Jul 20 22:11:44.147674 2013] [authz_owner:error] [pid 17540:tid 140122922129152] [client [2606:2800:220:1:248:1893:25c8:1946]:51548] AH01637: Authorization of user test-ipv6 to access /basic/authz_owner/cant_get_me.html failed, reason: file owner dan does", "apache-error", "authz-failed", "2606:2800:220:1:248:1893:25c8:1946", "test-ipv6"),
                Arguments.of("2012/04/09 11:53:36 [error] 2865#0: *66647 user \"xyz\": password mismatch, client: 192.0.43.10, server: www.myhost.com, request: \"GET / HTTP/1.1\", host: \"www.myhost.com\"", "nginx-error", "auth-password-mismatch", "192.0.43.10", "xyz"),
                Arguments.of("type=USER_AUTH msg=audit(1373129280.000:9): user pid=1277 uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:sshd_t:s0-s0:c0.c1023 msg='op=pubkey acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=? addr=194.228.20.113 terminal=ssh res=failed'", "auditd", "user-auth", "194.228.20.113", "root"),
                Arguments.of("2026-11-20 10:11:12 upgrade openssh-server:amd64 1:9.2p1-2+deb12u2 1:9.2p1-2+deb12u3", "dpkg", "upgrade", null, null));
    }

    @ParameterizedTest(name = "{1} {2}: {0}")
    @MethodSource("lines")
    void decodesRealLines(String line, String decoder, String action, String source, String user) {
        LogEvent e = DECODER.decode(line);
        assertEquals(decoder, e.decoder() == null ? e.program() : e.decoder(), e.toString());
        assertEquals(action, e.action(), e.toString());
        assertEquals(source, e.srcIp() != null ? e.srcIp() : e.extra().get("srcHost"), e.toString());
        assertEquals(user, e.user(), e.toString());
        assertEquals(line.strip(), e.raw().strip());
    }

    @Test
    void headersAreParsed() {
        LogEvent e = DECODER.decode("Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186");
        assertEquals("LabSZ", e.host());
        assertEquals("sshd", e.program());
        assertEquals(24200, e.pid());
        assertEquals(Instant.parse("2025-12-10T06:55:46Z").toEpochMilli(), e.timestamp(), "December is last year when read in November");
        LogEvent noHost = DECODER.decode("Nov 23 21:50:19 sshd[8148]: Disconnecting: Too many authentication failures for root [preauth]");
        assertEquals(null, noHost.host());
        assertEquals("too-many-failures", noHost.action());
        LogEvent rfc = DECODER.decode("<38>1 2019-07-08T17:40:17.954167-04:00 hostname.example.com sshd 55555 - - Accepted password for a from 192.0.2.9 port 1 ssh2");
        assertEquals(Instant.parse("2019-07-08T21:40:17.954Z").toEpochMilli(), rfc.timestamp());
        assertEquals("hostname.example.com", rfc.host());
        assertEquals("accepted", rfc.action());
        LogEvent kernel = DECODER.decode("Nov 26 07:04:00 web1 kernel: [UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.9 DST=198.51.100.2 PROTO=TCP SPT=44444 DPT=23");
        assertEquals(23, kernel.dstPort());
        assertEquals("blocked", kernel.status());
        assertEquals("[UFW BLOCK]", kernel.extra().get("prefix"));
    }

    @Test
    void journaldJsonEntriesAreDecodedAsTheirSyslogLine() {
        String entry = "{\"__REALTIME_TIMESTAMP\":\"1764140400000000\",\"_HOSTNAME\":\"web1\",\"SYSLOG_IDENTIFIER\":\"sshd\",\"_PID\":\"812\","
                + "\"MESSAGE\":\"Failed password for root from 203.0.113.5 port 22 ssh2\",\"__CURSOR\":\"s=1\"}";
        LogEvent e = DECODER.decode(entry);
        assertEquals("sshd", e.decoder());
        assertEquals("failed-password", e.action());
        assertEquals("203.0.113.5", e.srcIp());
        assertEquals("web1", e.host());
        assertEquals(812, e.pid());
        assertEquals(1_764_140_400_000L, e.timestamp());
        assertEquals("journald-json", e.extra().get("format"));
        LogEvent binary = DECODER.decode("{\"__REALTIME_TIMESTAMP\":\"1764140400000000\",\"SYSLOG_IDENTIFIER\":\"app\",\"MESSAGE\":[104,105,255]}");
        assertEquals("app", binary.program());
        assertTrue(binary.raw().endsWith("app: hi\uFFFD"), binary.raw());
        assertEquals(null, DECODER.decode("{\"not\": \"a journal entry\"}").program());
    }

    @Test
    void hostileLinesAreHandledNotRefused() {
        String huge = "Nov 26 07:00:00 web1 sshd[1]: Failed password for " + "A".repeat(1 << 20) + " from 1.2.3.4 port 22 ssh2";
        long start = System.nanoTime();
        LogEvent big = DECODER.decode(huge);
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "a megabyte line is bounded work");
        assertEquals("true", big.extra().get("truncated"));
        assertEquals(LogLineDecoder.MAX_LINE_CHARS, big.raw().length());
        assertEquals("sshd", big.program());

        LogEvent nul = DECODER.decode("Nov 26 07:00:00 web1 sshd[1]: Failed password for ro\u0000ot from 1.2.3.4 port 22 ssh2");
        assertFalse(nul.raw().contains("\u0000"));
        assertEquals("1.2.3.4", nul.srcIp());

        LogEvent crlf = DECODER.decode("Nov 26 07:00:00 web1 sshd[1]: Invalid user x\rNov 26 07:00:01 web1 sshd[1]: Accepted password for root from 9.9.9.9 port 1 ssh2 from 1.2.3.4\r\n");
        assertFalse(crlf.raw().contains("\r"));
        assertEquals("invalid-user", crlf.action(), "an embedded CR cannot start a second event");

        String invalidUtf8 = new String(new byte[] {'N', 'o', 'v', ' ', '2', '6', ' ', '0', '7', ':', '0', '0', ':', '0', '0', ' ', 'h', ' ', 's', 's', 'h', 'd', ':', ' ',
                (byte) 0xC3, (byte) 0x28, (byte) 0xFF}, StandardCharsets.UTF_8);
        LogEvent bad = DECODER.decode(invalidUtf8);
        assertEquals("sshd", bad.program());
        assertNotNull(bad.raw());

        for (String weird : List.of("", " ", "[", "<999>1", "type=", "@", "0", "\"", "::::", "Nov 99 99:99:99 x y: z", "<13>Nov 26 07:00:00 web1 sshd[x]: y")) {
            assertNotNull(DECODER.decode(weird));
        }
    }
}
