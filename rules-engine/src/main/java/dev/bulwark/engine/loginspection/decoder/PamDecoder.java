package dev.bulwark.engine.loginspection.decoder;

/**
 * {@code pam_unix(service:type): ...} messages, whatever program logged them. Actions:
 * {@code auth-failure}, {@code more-auth-failures}, {@code user-unknown}, {@code session-opened},
 * {@code session-closed}, {@code password-changed}. Extra: {@code service}, {@code ruser}, {@code tty}.
 *
 * <p>In {@code ... ruser=R rhost=H [user=U]} both R and U can carry attacker text (a remote user
 * name, an invalid login name). The host is the {@code rhost} that follows the shortest {@code ruser}
 * and is followed only by an optional {@code user=} field to the end of the line, so text injected
 * into either neighbour cannot move it.
 */
final class PamDecoder extends PatternDecoder {

    /** The {@code pam_unix(service:type): } prefix; absent in the old form where PAM named itself in the program ({@code sshd(pam_unix)[pid]:}). */
    private static final String HEAD = "^(?:pam_unix\\((?<service>[^:)\\s]+)(?::(?<type>\\w+))?\\): )?";
    private static final String TAIL = "logname=\\S* uid=\\S* euid=\\S* tty=(?<tty>\\S*) ruser=(?<ruser>.*?) rhost=(?<rhost>\\S*)(?:\\s+user=(?<user>.*?))?\\s*$";

    PamDecoder() {
        on("authentication failure", HEAD + "authentication failure; " + TAIL, (m, f) -> fill(m, f, "auth-failure"));
        on("more authentication failure", "^PAM (\\d+) more authentication failures?; " + TAIL, (m, f) ->
                fill(m, f, "more-auth-failures").put("count", m.group(1)));
        on("ignoring max retries", "^PAM service\\((\\S+)\\) ignoring max retries; (\\d+) > (\\d+)", (m, f) ->
                f.action("max-retries").status("failure").put("service", m.group(1)).put("count", m.group(2)).put("limit", m.group(3)));
        on("user unknown", HEAD + "check pass; user unknown", (m, f) ->
                f.action("user-unknown").status("failure").put("service", group(m, 1)));
        on("session opened", HEAD + "session opened for user (\\S+?)(?:\\(uid=\\d+\\))? by (\\S*?)(?:\\(uid=(\\d+)\\))?\\s*$", (m, f) ->
                f.action("session-opened").status("success").user(m.group(3)).put("service", m.group("service"))
                        .put("by", group(m, 4)).put("byUid", group(m, 5)));
        on("session closed", HEAD + "session closed for user (\\S+)", (m, f) ->
                f.action("session-closed").user(m.group(3)).put("service", m.group("service")));
        on("password changed", HEAD + "password changed for (\\S+)", (m, f) ->
                f.action("password-changed").status("success").user(m.group(3)).put("service", m.group("service")));
    }

    private static Fields fill(java.util.regex.Matcher m, Fields f, String action) {
        String user = m.group("user") == null ? null : m.group("user").trim();
        f.action(action).status("failure").user(user == null || user.isEmpty() ? null : user).source(m.group("rhost"))
                .put("tty", m.group("tty").isEmpty() ? null : m.group("tty"))
                .put("ruser", m.group("ruser").isEmpty() ? null : m.group("ruser"));
        String service = null;
        try {
            service = m.group("service");
        } catch (IllegalArgumentException e) {
            // the "PAM n more" form has no service group
        }
        return f.put("service", service);
    }

    @Override
    public String name() {
        return "pam";
    }
}
