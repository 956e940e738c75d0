package dev.bulwark.engine.loginspection.decoder;

/**
 * systemd and systemd-logind. Actions: {@code unit-started}, {@code unit-stopped}, {@code unit-failed},
 * {@code process-exited}, {@code session-new}, {@code session-removed}. Extra: {@code unit}, {@code result}, {@code session}.
 */
final class SystemdDecoder extends PatternDecoder {

    SystemdDecoder() {
        on("Failed with result", "^(\\S+): Failed with result '([^']+)'", (m, f) ->
                f.action("unit-failed").status("failure").put("unit", m.group(1)).put("result", m.group(2)));
        on("Main process exited", "^(\\S+): Main process exited, code=(\\w+), status=(\\S+)", (m, f) ->
                f.action("process-exited").put("unit", m.group(1)).put("code", m.group(2)).put("result", m.group(3)));
        on("Started ", "^Started (.+?)\\.?\\s*$", (m, f) -> f.action("unit-started").put("unit", m.group(1)));
        on("Stopped ", "^Stopped (.+?)\\.?\\s*$", (m, f) -> f.action("unit-stopped").put("unit", m.group(1)));
        on("New session", "^New session (\\S+) of user (\\S+?)\\.?$", (m, f) ->
                f.action("session-new").user(m.group(2)).put("session", m.group(1)));
        on("Removed session", "^Removed session (\\S+?)\\.?$", (m, f) -> f.action("session-removed").put("session", m.group(1)));
    }

    @Override
    public String name() {
        return "systemd";
    }
}
