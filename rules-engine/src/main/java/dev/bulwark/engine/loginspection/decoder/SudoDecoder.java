package dev.bulwark.engine.loginspection.decoder;

/**
 * sudo's own lines ({@code alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash}).
 * Actions: {@code command}, {@code incorrect-password-attempts}, {@code not-in-sudoers},
 * {@code command-not-allowed}, {@code password-required}. Extra: {@code runAs}, {@code command},
 * {@code tty}, {@code pwd}, {@code attempts}. The user is the invoking user.
 */
final class SudoDecoder extends PatternDecoder {

    SudoDecoder() {
        on(" ; USER=", "^\\s*(\\S+) : (?:(\\d+) incorrect password attempts? ; |(user NOT in sudoers) ; |(command not allowed) ; |(a password is required) ; )?"
                + "(?:TTY=(\\S+) ; )?(?:PWD=(.*?) ; )?USER=(\\S+) ;(?: (?:TSID|ENV)=\\S+ ;)* (?:COMMAND=(.*))?$", (m, f) -> {
                    String action = m.group(2) != null ? "incorrect-password-attempts"
                            : m.group(3) != null ? "not-in-sudoers"
                            : m.group(4) != null ? "command-not-allowed"
                            : m.group(5) != null ? "password-required" : "command";
                    f.action(action).status(action.equals("command") ? "success" : "failure").user(m.group(1))
                            .put("attempts", group(m, 2)).put("tty", group(m, 6)).put("pwd", group(m, 7))
                            .put("runAs", m.group(8)).put("command", group(m, 9));
                });
    }

    @Override
    public String name() {
        return "sudo";
    }
}
