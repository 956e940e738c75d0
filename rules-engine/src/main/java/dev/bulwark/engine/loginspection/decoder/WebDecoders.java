package dev.bulwark.engine.loginspection.decoder;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Web servers: access logs (common/combined, Apache and nginx) and their error logs. */
final class WebDecoders {
    private WebDecoders() {
    }

    /**
     * Access log lines. Action {@code request}; {@code status} is the HTTP status code, {@code url}
     * the request target. Extra: {@code method}, {@code protocol}, {@code bytes}, {@code referer},
     * {@code agent}. A request line that is not {@code METHOD TARGET PROTO} (binary probes, "-") is kept in
     * {@code extra.request} with action {@code malformed-request}.
     */
    static final class Access implements MessageDecoder {
        static final Pattern LINE = Pattern.compile(
                "^(\\S+) \\S+ (\\S+) \\[([^\\]]{10,40})\\] \"((?:[^\"\\\\]|\\\\.){0,8192})\" (\\d{3}) (\\d+|-)(?: \"((?:[^\"\\\\]|\\\\.){0,4096})\" \"((?:[^\"\\\\]|\\\\.){0,4096})\")?");
        private static final Pattern REQUEST = Pattern.compile("^([A-Z][A-Za-z]{1,15}) (\\S+)(?: (HTTP/[\\d.]+))?$");

        @Override
        public String name() {
            return "web-access";
        }

        @Override
        public boolean decode(String line, Fields f) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                return false;
            }
            f.source(m.group(1));
            if (!m.group(2).equals("-")) {
                f.user(m.group(2));
            }
            f.status(m.group(5)).put("bytes", m.group(6).equals("-") ? null : m.group(6));
            f.put("referer", m.group(7) == null || m.group(7).equals("-") ? null : m.group(7));
            f.put("agent", m.group(8) == null || m.group(8).equals("-") ? null : m.group(8));
            Matcher r = REQUEST.matcher(m.group(4));
            if (r.matches()) {
                f.action("request").put("method", r.group(1)).put("protocol", r.group(3));
                f.url = r.group(2);
            } else {
                f.action("malformed-request").put("request", m.group(4));
            }
            return true;
        }

        /** The timestamp part ({@code 10/Oct/2000:13:55:36 -0700}) of a line this decoder accepts. */
        static String timestamp(String line) {
            Matcher m = LINE.matcher(line);
            return m.find() ? m.group(3) : null;
        }
    }

    /**
     * Apache error log messages (after the date): {@code [module:level] [pid N] [client IP:port] AHnnnnn: text}.
     * Actions: {@code auth-user-not-found}, {@code auth-password-mismatch}, {@code authz-failed},
     * {@code access-denied}, {@code not-found}, {@code error}. {@code id} is the AH code.
     */
    static final class ApacheError extends PatternDecoder {
        static final Pattern PREFIX = Pattern.compile("^(?:\\[(?:(\\w+):)?(\\w+)\\] )?(?:\\[pid (\\d+)(?::tid \\d+)?\\] )?(?:\\[client (\\[[^\\]]+\\]|[^\\]\\s]+?)(?::(\\d+))?\\] )?(?:(AH\\d{5}): )?(.*)$");

        ApacheError() {
            on("not found", "^(?:Digest: )?user [`']?(\\S*?)'?(?: in realm `[^']*')? not found", (m, f) -> f.action("auth-user-not-found").status("failure").user(group(m, 1)));
            on("password mismatch", "^(?:Digest: )?user (\\S+?): password mismatch", (m, f) -> f.action("auth-password-mismatch").status("failure").user(m.group(1)));
            on("authorization failure", "^user (\\S+?): authorization failure", (m, f) -> f.action("authz-failed").status("failure").user(m.group(1)));
            on("Authorization of user", "^Authorization of user (\\S+) to access (\\S+) failed", (m, f) -> {
                f.action("authz-failed").status("failure").user(m.group(1));
                f.url = m.group(2);
            });
            on("client denied by server configuration", "^client denied by server configuration: (\\S+)", (m, f) -> {
                f.action("access-denied").status("failure");
                f.url = m.group(1);
            });
            on("File does not exist", "^File does not exist: (\\S+)", (m, f) -> {
                f.action("not-found");
                f.url = m.group(1);
            });
        }

        @Override
        public String name() {
            return "apache-error";
        }

        @Override
        public boolean decode(String message, Fields f) {
            Matcher m = PREFIX.matcher(message);
            if (!m.matches()) {
                return false;
            }
            f.put("module", m.group(1)).put("level", m.group(2)).put("pid", m.group(3));
            if (m.group(4) != null) {
                f.source(m.group(4)).srcPort(m.group(5));
            }
            f.id = m.group(6);
            if (!super.decode(m.group(7), f)) {
                f.action("error");
            }
            return true;
        }
    }

    /**
     * nginx error log lines ({@code 2024/01/02 03:04:05 [error] 12#12: *34 text, client: IP, server: S, request: "GET / HTTP/1.1"}).
     * Actions: {@code auth-password-mismatch}, {@code auth-user-not-found}, {@code not-found},
     * {@code rate-limited}, {@code tls-handshake-failed}, {@code error}.
     */
    static final class NginxError extends PatternDecoder {
        static final Pattern LINE = Pattern.compile("^(\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}) \\[(\\w+)\\] (\\d+)#\\d+: (?:\\*(\\d+) )?(.*)$");
        private static final Pattern CLIENT = Pattern.compile(", client: ([^,\\s]+)");
        private static final Pattern REQUEST = Pattern.compile(", request: \"(\\S+) (\\S+)");

        NginxError() {
            on("password mismatch", "^user \"([^\"]*)\": password mismatch", (m, f) -> f.action("auth-password-mismatch").status("failure").user(m.group(1)));
            on("was not found in", "^user \"([^\"]*)\" was not found in", (m, f) -> f.action("auth-user-not-found").status("failure").user(m.group(1)));
            on("No such file or directory", "^(?:open\\(\\) )?\"([^\"]+)\" (?:failed|is not found) \\(2: No such file or directory\\)", (m, f) -> f.action("not-found"));
            on("limiting requests", "^limiting requests", (m, f) -> f.action("rate-limited").status("failure"));
            on("SSL_do_handshake() failed", "SSL_do_handshake\\(\\) failed", (m, f) -> f.action("tls-handshake-failed").status("failure"));
        }

        @Override
        public String name() {
            return "nginx-error";
        }

        @Override
        public boolean decode(String line, Fields f) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                return false;
            }
            String text = m.group(5);
            f.put("level", m.group(2)).put("pid", m.group(3));
            f.id = m.group(4);
            Matcher c = CLIENT.matcher(text);
            String client = null;
            while (c.find()) {
                client = c.group(1); // nginx appends client after the message text: take the last
            }
            f.source(client);
            Matcher r = REQUEST.matcher(text);
            if (r.find()) {
                f.put("method", r.group(1));
                f.url = r.group(2);
            }
            if (!super.decode(text, f)) {
                f.action("error");
            }
            return true;
        }
    }
}
