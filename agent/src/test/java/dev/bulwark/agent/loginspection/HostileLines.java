package dev.bulwark.agent.loginspection;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The log-inspection issue's hostile lines, one per line, host {@code web1}: a 1 MB line, a line
 * that makes {@code ^(.*a){12}$} backtrack catastrophically, a NUL in a user name, invalid UTF-8,
 * a CR followed by a forged second line, and a forged address inside a user name (the real peer
 * is 203.0.113.9). Shared by the built-in and the imported-ruleset hostile-input tests.
 */
public final class HostileLines {

    public static final int LINES = 6;
    public static final String CATASTROPHIC = "^(.*a){12}$";

    private HostileLines() {
    }

    public static byte[] log() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        String prefix = "Nov 26 07:00:00 web1 ";
        log.writeBytes((prefix + "app[1]: " + "a".repeat(1 << 20) + "!\n").getBytes(StandardCharsets.UTF_8));
        log.writeBytes((prefix + "app[1]: " + "a".repeat(40) + "!\n").getBytes(StandardCharsets.UTF_8));
        log.writeBytes((prefix + "sshd[2]: Failed password for ro\u0000ot from 203.0.113.1 port 22 ssh2\n").getBytes(StandardCharsets.UTF_8));
        log.writeBytes(new byte[] {'N', 'o', 'v', ' ', '2', '6', ' ', '0', '7', ':', '0', '0', ':', '0', '0', ' ', 'w', 'e', 'b', '1', ' ',
                's', 's', 'h', 'd', ':', ' ', (byte) 0xFF, (byte) 0xC3, (byte) 0x28, '\n'});
        log.writeBytes((prefix + "sshd[3]: Invalid user x\rNov 26 07:00:01 web1 sshd[3]: Accepted password for root from 9.9.9.9 port 1 ssh2\n")
                .getBytes(StandardCharsets.UTF_8));
        log.writeBytes((prefix + "sshd[4]: Failed password for invalid user x from 6.6.6.6 port 22 ssh2 from 203.0.113.9 port 40000 ssh2\n")
                .getBytes(StandardCharsets.UTF_8));
        return log.toByteArray();
    }
}
