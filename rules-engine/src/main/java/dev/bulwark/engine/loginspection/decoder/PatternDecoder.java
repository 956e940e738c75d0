package dev.bulwark.engine.loginspection.decoder;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A decoder made of anchored patterns tried in order, each guarded by a literal the message must
 * contain (a cheap {@code contains} before any regex runs). Patterns are written without nested
 * quantifiers, so matching time is linear in the (bounded) message length.
 */
abstract class PatternDecoder implements MessageDecoder {

    private record Entry(String literal, Pattern pattern, BiConsumer<Matcher, Fields> fill) {
    }

    private final List<Entry> entries = new ArrayList<>();

    protected final void on(String literal, String regex, BiConsumer<Matcher, Fields> fill) {
        entries.add(new Entry(literal, Pattern.compile(regex), fill));
    }

    @Override
    public boolean decode(String message, Fields out) {
        for (Entry e : entries) {
            if (e.literal() != null && !message.contains(e.literal())) {
                continue;
            }
            Matcher m = e.pattern().matcher(message);
            if (m.find()) {
                e.fill().accept(m, out);
                return true;
            }
        }
        return false;
    }

    static String group(Matcher m, int g) {
        String s = m.group(g);
        return s == null || s.isEmpty() ? null : s;
    }
}
