package dev.bulwark.authoring.ossec;

import java.util.List;

/**
 * One {@code <decoder>}. Several definitions may share a name (siblings): Wazuh tries them in order
 * and accumulates their fields. {@code regexes} keeps every {@code <regex>} in order (siblings and
 * multi-regex decoders), each with its own {@code <order>}.
 */
public record DecoderDefinition(String name, String parent, PatternSpec programName, PatternSpec prematch, List<PatternSpec> regexes,
                                List<List<String>> orders, String pluginDecoder, String pluginOffset, boolean useOwnName,
                                String type, List<XmlElement> other, String file, int line) {

    public DecoderDefinition {
        regexes = List.copyOf(regexes);
        orders = List.copyOf(orders);
        other = List.copyOf(other);
    }

    public String where() {
        return file + ":" + line;
    }
}
