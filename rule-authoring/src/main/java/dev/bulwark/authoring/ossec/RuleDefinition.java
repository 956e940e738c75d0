package dev.bulwark.authoring.ossec;

import java.util.List;
import java.util.Map;

/**
 * One {@code <rule>}: its id and level, its attributes ({@code frequency}, {@code timeframe},
 * {@code ignore}, {@code noalert}, {@code overwrite}, ...), the groups it belongs to (its own
 * {@code <group>} plus the enclosing {@code <group name>}), and every condition element in order,
 * kept as written with its line (match, regex, decoded_as, if_sid, field, same_source_ip, ...).
 */
public record RuleDefinition(String id, int level, Map<String, String> attributes, String description, List<String> groups,
                             List<XmlElement> conditions, String file, int line) {

    public RuleDefinition {
        attributes = Map.copyOf(attributes);
        groups = List.copyOf(groups);
        conditions = List.copyOf(conditions);
    }

    /** The text of every condition element of that name, in order. */
    public List<String> all(String element) {
        return conditions.stream().filter(c -> c.name().equals(element)).map(XmlElement::text).toList();
    }

    public String where() {
        return file + ":" + line;
    }
}
