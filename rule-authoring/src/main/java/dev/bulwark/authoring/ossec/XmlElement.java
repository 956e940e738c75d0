package dev.bulwark.authoring.ossec;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One element of a ruleset file, with where it was written. */
public record XmlElement(String name, Map<String, String> attributes, String text, List<XmlElement> children, String file, int line) {

    public XmlElement {
        attributes = Map.copyOf(attributes);
        children = List.copyOf(children);
    }

    public Optional<String> attribute(String key) {
        return Optional.ofNullable(attributes.get(key));
    }

    public List<XmlElement> children(String childName) {
        return children.stream().filter(c -> c.name().equals(childName)).toList();
    }

    public Optional<XmlElement> child(String childName) {
        return children.stream().filter(c -> c.name().equals(childName)).findFirst();
    }

    public String where() {
        return file + ":" + line;
    }
}
