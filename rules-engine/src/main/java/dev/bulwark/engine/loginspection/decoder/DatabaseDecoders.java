package dev.bulwark.engine.loginspection.decoder;

/** MySQL/MariaDB and PostgreSQL authentication messages. */
final class DatabaseDecoders {
    private DatabaseDecoders() {
    }

    /** Actions: {@code access-denied} (extra {@code usingPassword}). */
    static final class Mysql extends PatternDecoder {
        Mysql() {
            on("Access denied for user", "^(?:\\[\\w+\\] )?(?:\\[[^\\]]+\\] )*Access denied for user '([^']*)'@'([^']*)' \\(using password: (YES|NO)\\)\\s*$", (m, f) ->
                    f.action("access-denied").status("failure").user(m.group(1)).source(m.group(2)).put("usingPassword", m.group(3)));
        }

        @Override
        public String name() {
            return "mysql";
        }
    }

    /** Actions: {@code auth-failed}, {@code hba-rejected}, {@code connection}. */
    static final class Postgres extends PatternDecoder {
        Postgres() {
            on("password authentication failed", "password authentication failed for user \"([^\"]*)\"", (m, f) ->
                    f.action("auth-failed").status("failure").user(m.group(1)));
            on("no pg_hba.conf entry", "no pg_hba.conf entry for host \"([^\"]+)\", user \"([^\"]*)\"(?:, database \"([^\"]*)\")?", (m, f) ->
                    f.action("hba-rejected").status("failure").source(m.group(1)).user(m.group(2)).put("database", group(m, 3)));
            on("connection received", "connection received: host=(\\S+?)(?:\\(\\d+\\))? port=(\\d+)", (m, f) ->
                    f.action("connection").source(m.group(1)).srcPort(m.group(2)));
        }

        @Override
        public String name() {
            return "postgres";
        }
    }
}
