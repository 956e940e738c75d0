package dev.bulwark.engine.loginspection.decoder;

/**
 * Postfix (smtpd, postscreen). Actions: {@code rejected}, {@code sasl-auth-failed},
 * {@code improper-pipelining}, {@code lost-connection}, {@code hangup}, {@code connect}.
 * Extra: {@code code}, {@code reason}, {@code from}, {@code to}, {@code mechanism}, {@code after},
 * {@code clientName}.
 */
final class PostfixDecoder extends PatternDecoder {

    private static final String CLIENT = "(\\S+?)\\[([^\\]]+)\\](?::\\d+)?";

    PostfixDecoder() {
        on("reject: ", "^(?:\\w+: )?(?:NOQUEUE|[0-9A-F]+): reject: (\\w+) from " + CLIENT + ": (\\d{3}) (?:[\\d.]+ )?(.*?)(?:; from=<([^>]*)>)?(?: to=<([^>]*)>)?(?: proto=\\S+)?(?: helo=<[^>]*>)?\\s*$", (m, f) ->
                f.action("rejected").status("failure").source(m.group(3)).put("clientName", m.group(2)).put("stage", m.group(1))
                        .put("code", m.group(4)).put("reason", m.group(5)).put("from", group(m, 6)).put("to", group(m, 7)));
        on("authentication failed", "^warning: " + CLIENT + ": SASL (\\S+) authentication failed:? ?(.*)$", (m, f) ->
                f.action("sasl-auth-failed").status("failure").source(m.group(2)).put("clientName", m.group(1))
                        .put("mechanism", m.group(3)).put("reason", group(m, 4)));
        on("improper command pipelining", "^improper command pipelining after (\\S+) from " + CLIENT, (m, f) ->
                f.action("improper-pipelining").status("failure").source(m.group(3)).put("clientName", m.group(2)).put("after", m.group(1)));
        on("lost connection after", "^lost connection after (\\S+) from " + CLIENT, (m, f) ->
                f.action("lost-connection").source(m.group(3)).put("clientName", m.group(2)).put("after", m.group(1)));
        on("HANGUP after", "^HANGUP after \\S+ from \\[([^\\]]+)\\]:(\\d+)", (m, f) ->
                f.action("hangup").source(m.group(1)).srcPort(m.group(2)));
        on("connect from", "^connect from " + CLIENT, (m, f) -> f.action("connect").source(m.group(2)).put("clientName", m.group(1)));
    }

    @Override
    public String name() {
        return "postfix";
    }
}
