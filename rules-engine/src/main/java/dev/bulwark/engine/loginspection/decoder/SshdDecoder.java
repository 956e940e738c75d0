package dev.bulwark.engine.loginspection.decoder;

/**
 * OpenSSH server messages. Actions: {@code failed-<method>} (failed-password, failed-publickey,
 * failed-keyboard-interactive, ...), {@code invalid-user}, {@code accepted}, {@code auth-failure}
 * (PAM error reported by sshd), {@code root-login-refused}, {@code not-allowed},
 * {@code account-locked}, {@code max-auth-exceeded}, {@code too-many-failures},
 * {@code received-disconnect}, {@code connection-closed}, {@code disconnected},
 * {@code no-identification}, {@code negotiation-failed}, {@code invalid-user-disconnect},
 * {@code reverse-mapping-failed}, {@code socket-reset}, {@code connection-reset}, {@code session-info}, {@code listening}.
 * Extra: {@code method}, {@code invalidUser}, {@code preauth}, {@code reason}, {@code code}.
 *
 * <p>The source is the <em>last</em> {@code from HOST port N} of a line: sshd appends the real
 * peer after any user-controlled text, so a user name like {@code x from 6.6.6.6 port 22} cannot
 * forge it.
 */
final class SshdDecoder extends PatternDecoder {

    private static final String PREAUTH = "(?<preauth> \\[preauth\\])?\\s*$";

    SshdDecoder() {
        on("Failed ", "^(?:\\[ID \\d+ \\S+\\] )?Failed (\\S+) for (invalid user )?(.*) from (\\S+) port (\\d+)", (m, f) -> {
            f.action("failed-" + m.group(1)).status("failure").user(group(m, 3)).source(m.group(4)).srcPort(m.group(5))
                    .put("method", m.group(1)).put("invalidUser", m.group(2) != null ? "true" : null);
        });
        on("Failed ", "^(?:\\[ID \\d+ \\S+\\] )?Failed (\\S+) for (invalid user )?(.*) from (\\S+)\\s*$", (m, f) -> {
            f.action("failed-" + m.group(1)).status("failure").user(group(m, 3)).source(m.group(4)).put("method", m.group(1))
                    .put("invalidUser", m.group(2) != null ? "true" : null);
        });
        on("nvalid user ", "^[Ii]nvalid user (.*) from (\\S+)(?: port (\\d+))?\\s*$", (m, f) ->
                f.action("invalid-user").status("failure").user(group(m, 1)).source(m.group(2)).srcPort(m.group(3)));
        on("Accepted ", "^Accepted (\\S+) for (\\S+) from (\\S+) port (\\d+)", (m, f) ->
                f.action("accepted").status("success").user(m.group(2)).source(m.group(3)).srcPort(m.group(4)).put("method", m.group(1)));
        on("PAM: ", "^(?:error: )?PAM: [Aa]uthentication (?:failure|error) for (?:illegal user )?(.*) from (\\S+)(?: via \\S+)?\\s*$", (m, f) ->
                f.action("auth-failure").status("failure").user(group(m, 1)).source(m.group(2)));
        on("ROOT LOGIN REFUSED", "^ROOT LOGIN REFUSED FROM (\\S+)(?: port (\\d+))?" + PREAUTH, (m, f) ->
                f.action("root-login-refused").status("failure").user("root").source(m.group(1)).srcPort(m.group(2)));
        on(" not allowed because ", "^User (\\S+) from (\\S+) not allowed because (.*)$", (m, f) ->
                f.action("not-allowed").status("failure").user(m.group(1)).source(m.group(2)).put("reason", m.group(3)));
        on(" not allowed because ", "^User (\\S+) not allowed because (.*)$", (m, f) ->
                f.action(m.group(2).contains("locked") ? "account-locked" : "not-allowed").status("failure").user(m.group(1)).put("reason", m.group(2)));
        on("maximum authentication attempts exceeded", "maximum authentication attempts exceeded for (?:invalid user )?(.*) from (\\S+) port (\\d+)", (m, f) ->
                f.action("max-auth-exceeded").status("failure").user(group(m, 1)).source(m.group(2)).srcPort(m.group(3)));
        on("Too many authentication failures", "^Disconnecting(?: \\S+)?: Too many authentication failures(?: for (?:invalid user )?(\\S+))?" + PREAUTH, (m, f) ->
                f.action("too-many-failures").status("failure").user(group(m, 1)).put("preauth", m.group("preauth") != null ? "true" : null));
        on("Received disconnect from ", "^(?:error: )?Received disconnect from (\\S+?)(?: port (\\d+))?:\\s*(\\d+): (.*?)" + PREAUTH, (m, f) ->
                f.action("received-disconnect").source(m.group(1)).srcPort(m.group(2)).put("code", m.group(3)).put("reason", m.group(4))
                        .put("preauth", m.group("preauth") != null ? "true" : null));
        // the user name may contain spaces and look like a host: the peer is the last "HOST port N"
        on("Connection closed by ", "^Connection closed by (?:(?:invalid|authenticating) user (.*) )?(\\S+) port (\\d+)" + PREAUTH, (m, f) ->
                f.action("connection-closed").user(group(m, 1)).source(m.group(2)).srcPort(m.group(3))
                        .put("preauth", m.group("preauth") != null ? "true" : null));
        on("Connection closed by ", "^Connection closed by (?:(?:invalid|authenticating) user (\\S*) )?(\\S+)(?: port (\\d+))?" + PREAUTH, (m, f) ->
                f.action("connection-closed").user(group(m, 1)).source(m.group(2)).srcPort(m.group(3))
                        .put("preauth", m.group("preauth") != null ? "true" : null));
        on("Disconnected from ", "^Disconnected from (?:(invalid|authenticating) user (.*) |user (.*) )?(\\S+) port (\\d+)" + PREAUTH, (m, f) ->
                f.action("disconnected").user(group(m, 2) != null ? group(m, 2) : group(m, 3)).source(m.group(4)).srcPort(m.group(5))
                        .put("preauth", m.group("preauth") != null ? "true" : null).put("stage", group(m, 1)));
        on("Did not receive identification string", "^Did not receive identification string from (\\S+)(?: port (\\d+))?", (m, f) ->
                f.action("no-identification").status("failure").source(m.group(1)).srcPort(m.group(2)));
        on("Unable to negotiate with ", "^(?:fatal: )?Unable to negotiate with (\\S+) port (\\d+): (.*?)" + PREAUTH, (m, f) ->
                f.action("negotiation-failed").status("failure").source(m.group(1)).srcPort(m.group(2)).put("reason", m.group(3)));
        on("Unable to negotiate", "^fatal: Unable to negotiate (.*?)" + PREAUTH, (m, f) ->
                f.action("negotiation-failed").status("failure").put("reason", m.group(1)));
        on("Disconnecting invalid user", "^Disconnecting invalid user (\\S*) (\\S+) port (\\d+): (.*?)" + PREAUTH, (m, f) ->
                f.action("invalid-user-disconnect").status("failure").user(group(m, 1)).source(m.group(2)).srcPort(m.group(3)).put("reason", m.group(4)));
        on("input_userauth_request: invalid user", "^input_userauth_request: invalid user (.*?)" + PREAUTH, (m, f) ->
                f.action("invalid-user").status("failure").user(group(m, 1) == null ? null : m.group(1).strip()).put("preauth", "true"));
        on("reverse mapping checking", "^reverse mapping checking getaddrinfo for (\\S+) \\[(\\S+)\\] failed", (m, f) ->
                f.action("reverse-mapping-failed").source(m.group(2)).put("srcName", m.group(1)));
        on("does not map back", "^Address (\\S+) maps to (\\S+), but this does not map back", (m, f) ->
                f.action("reverse-mapping-failed").put("address", m.group(1)).put("srcName", m.group(2)));
        on(" failed: ", "^fatal: (?:Read from socket|Write) failed: (.*?)" + PREAUTH, (m, f) ->
                f.action("socket-reset").put("reason", m.group(1)).put("preauth", m.group("preauth") != null ? "true" : null));
        on("Connection reset by ", "^Connection reset by (?:(?:invalid|authenticating) user (\\S*) )?(\\S+)(?: port (\\d+))?" + PREAUTH, (m, f) ->
                f.action("connection-reset").user(group(m, 1)).source(m.group(2)).srcPort(m.group(3)));
        // patched sshd builds log the peer of each session stage: "SSH: Server;Ltype: Kex;Remote: 127.0.0.1-1780;..."
        on(";Remote: ", "^SSH: Server;Ltype: (\\w+);Remote: ([0-9a-fA-F.:]+)-(\\d+);", (m, f) ->
                f.action("session-info").source(m.group(2)).srcPort(m.group(3)).put("stage", m.group(1)));
        on("Server listening on ", "^Server listening on (\\S+) port (\\d+)", (m, f) ->
                f.action("listening").put("address", m.group(1)).put("port", m.group(2)));
    }

    @Override
    public String name() {
        return "sshd";
    }
}
