package dev.bulwark.engine.loginspection.decoder;

/**
 * Dovecot login and auth processes. Actions: {@code auth-failed} (with {@code attempts}),
 * {@code no-auth-attempts}, {@code plaintext-disallowed}, {@code unknown-user},
 * {@code password-mismatch}, {@code pam-failure}, {@code login}. Extra: {@code service}
 * ({@code imap-login}, ...), {@code attempts}, {@code reason}.
 */
final class DovecotDecoder extends PatternDecoder {

    DovecotDecoder() {
        on("rip=", "^(?:(?:dovecot: )?(\\S+-login): )?(?:Info: )?(?:Aborted login|Disconnected|Remote closed connection).{0,512}?"
                + "\\((auth failed, (\\d+) attempts?(?: in \\d+ secs?)?|proxy dest auth failed|tried to use disallowed plaintext auth|no auth attempts(?: in \\d+ secs?)?)\\)"
                + ":(?: user=<([^>]*)>,)?(?: method=\\S+,)? rip=([^,\\s]+)", (m, f) -> {
                    String what = m.group(2);
                    String action = what.startsWith("auth failed") || what.startsWith("proxy") ? "auth-failed"
                            : what.startsWith("tried") ? "plaintext-disallowed" : "no-auth-attempts";
                    f.action(action).status("failure").user(group(m, 4)).source(m.group(5)).put("service", group(m, 1)).put("attempts", group(m, 3));
                });
        on("Login: ", "^(?:(\\S+-login): )?Login: user=<([^>]*)>, method=\\S+, rip=([^,\\s]+)", (m, f) ->
                f.action("login").status("success").user(m.group(2)).source(m.group(3)).put("service", group(m, 1)));
        on("pam_authenticate() failed", "^(?:dovecot: )?auth(?:\\(default\\))?: pam\\(([^,]+),([^,)]+)\\): pam_authenticate\\(\\) failed: (.*)$", (m, f) ->
                f.action("pam-failure").status("failure").user(m.group(1)).source(m.group(2)).put("reason", m.group(3)));
        on("): ", "^(?:(?:dovecot: )?auth(?:-worker\\(\\d+\\))?: )?(?:Info: )?(\\w+(?:-\\w+)?)\\(([^,)]*),([^,)]+)(?:,<[^>]*>)?\\): (unknown user|[Pp]assword mismatch)", (m, f) ->
                f.action(m.group(4).startsWith("unknown") ? "unknown-user" : "password-mismatch").status("failure")
                        .user(m.group(2).isEmpty() ? null : m.group(2)).source(m.group(3)).put("backend", m.group(1)));
    }

    @Override
    public String name() {
        return "dovecot";
    }
}
