package dev.bulwark.engine.loginspection.decoder;

/** su's own lines. Actions: {@code failed}, {@code switched}. Extra: {@code target} (the account switched to), {@code tty}. */
final class SuDecoder extends PatternDecoder {

    SuDecoder() {
        on("FAILED", "^FAILED (?:SU|su) \\(to (\\S+)\\) (\\S+) on (\\S+)", (m, f) ->
                f.action("failed").status("failure").user(m.group(2)).put("target", m.group(1)).put("tty", m.group(3)));
        on("FAILED su for", "^FAILED su for (\\S+) by (\\S+)", (m, f) ->
                f.action("failed").status("failure").user(m.group(2)).put("target", m.group(1)));
        on("(to ", "^(?:\\+ \\S+ )?\\(to (\\S+)\\) (\\S+) on (\\S+)", (m, f) ->
                f.action("switched").status("success").user(m.group(2)).put("target", m.group(1)).put("tty", m.group(3)));
        on("Successful su for", "^Successful su for (\\S+) by (\\S+)", (m, f) ->
                f.action("switched").status("success").user(m.group(2)).put("target", m.group(1)));
    }

    @Override
    public String name() {
        return "su";
    }
}
