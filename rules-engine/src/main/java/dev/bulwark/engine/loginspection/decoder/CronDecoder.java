package dev.bulwark.engine.loginspection.decoder;

/** cron's job lines ({@code (root) CMD (command)}). Action: {@code command}; extra {@code command}. */
final class CronDecoder extends PatternDecoder {

    CronDecoder() {
        on(" CMD ", "^\\((\\S+)\\) CMD \\((.*)\\)\\s*$", (m, f) -> f.action("command").user(m.group(1)).put("command", m.group(2)));
    }

    @Override
    public String name() {
        return "cron";
    }
}
