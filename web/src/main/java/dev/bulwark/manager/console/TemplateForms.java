package dev.bulwark.manager.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.authoring.template.RuleTemplates;
import dev.bulwark.authoring.template.TemplateException;
import dev.bulwark.authoring.template.TemplateProblem;
import dev.bulwark.engine.policy.DrlSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rule templates of rule-authoring ({@link RuleTemplates}: log, integrity, application control,
 * anti-malware exclusion) as forms: each kind is a list of fields named by their place in the
 * template document ({@code when.decoder}, {@code frequency.count}); a filled form becomes that
 * document and goes through the template's schema and generator exactly as {@code bulwark-rules new}
 * does, and each schema problem comes back under the field it names.
 */
final class TemplateForms {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SEVERITIES = List.of("info", "low", "medium", "high", "critical");
    private static final List<String> LOG_FIELDS = List.of("host", "program", "decoder", "action", "status", "srcIp", "dstIp", "user", "url", "id");

    private TemplateForms() {
    }

    /** How a field's text becomes part of the document. */
    enum Shape {
        /** one string */
        TEXT,
        /** a whole number */
        NUMBER,
        /** a checkbox: true when sent */
        FLAG,
        /** a list, one item per line */
        LINES,
        /** a list, comma-separated */
        CSV,
        /** checkboxes: the checked options as a list */
        CHOICES,
        /** a log condition: one value, several comma-separated (any of them), or {@code *} for "present" */
        CONDITION
    }

    /** One field: its document name, label, shape, options (for a select or checkboxes), help, and whether it is required. */
    record Field(String name, String label, Shape shape, List<String> options, String help, boolean required) {
        /** The HTML control: select when there are options for one value, checkboxes for several, a text area for lines. */
        public String control() {
            return switch (shape) {
                case CHOICES -> "checkboxes";
                case FLAG -> "checkbox";
                case LINES -> "textarea";
                case NUMBER -> "number";
                default -> options.isEmpty() ? "text" : "select";
            };
        }

        /** An id for the HTML control. */
        public String htmlId() {
            return "t-" + name.replace('.', '-');
        }
    }

    private static Field f(String name, String label, Shape shape, String help) {
        return new Field(name, label, shape, List.of(), help, false);
    }

    private static Field required(String name, String label, Shape shape, String help) {
        return new Field(name, label, shape, List.of(), help, true);
    }

    private static Field select(String name, String label, List<String> options, boolean required, String help) {
        return new Field(name, label, Shape.TEXT, options, help, required);
    }

    static final Map<String, String> TITLES = Map.of("log", "Log inspection rule", "integrity", "Integrity monitoring rule",
            "appcontrol", "Application control: allow or block", "exclusion", "Anti-malware exclusion");

    static final Map<String, List<Field>> KINDS = new LinkedHashMap<>();

    static {
        List<Field> common = List.of(
                required("id", "Rule id", Shape.TEXT, "PREFIX-NAME-0001, unique and stable forever, e.g. ORG-VPN-0001"),
                required("title", "Title", Shape.TEXT, "one line, no double quotes or backslashes"),
                f("description", "Description", Shape.TEXT, "optional"));
        List<Field> log = new ArrayList<>(common);
        log.add(select("severity", "Severity", SEVERITIES, true, ""));
        log.add(f("application", "Application", Shape.TEXT, "optional, lower case, e.g. openvpn"));
        log.add(f("tags", "Tags", Shape.CSV, "optional, comma-separated"));
        for (String w : LOG_FIELDS) {
            log.add(f("when." + w, "When " + w + " is", Shape.CONDITION, "a value; several comma-separated for any of them; * for any value"));
        }
        log.add(f("frequency.count", "Raise after this many matches", Shape.NUMBER, "optional (2-10000): correlate"));
        log.add(f("frequency.seconds", "within seconds", Shape.NUMBER, "1-86400"));
        log.add(new Field("frequency.same", "sharing the same", Shape.TEXT, withBlank(LOG_FIELDS), "", false));
        log.add(f("frequency.suppressSeconds", "then quiet for seconds", Shape.NUMBER, "optional"));
        log.add(f("message", "Message", Shape.TEXT, "{field} inserts a decoded field, e.g. failed login for {user} from {srcIp}"));
        log.add(new Field("evidence", "Evidence", Shape.CHOICES, LOG_FIELDS, "decoded fields the finding carries", false));
        KINDS.put("log", List.copyOf(log));

        List<Field> integrity = new ArrayList<>(common);
        integrity.add(select("severity", "Severity", SEVERITIES, true, ""));
        integrity.add(f("tags", "Tags", Shape.CSV, "optional, comma-separated"));
        integrity.add(required("monitor", "Monitor", Shape.LINES, "absolute paths or globs (*, **, ?), one per line"));
        integrity.add(f("exclude", "Except", Shape.LINES, "paths or globs, one per line"));
        integrity.add(new Field("attributes", "Attributes", Shape.CHOICES, List.of("STANDARD", "CONTENT", "PERMISSIONS", "GROWING"), "", false));
        integrity.add(f("depth", "Depth", Shape.NUMBER, "optional: how deep below each path"));
        integrity.add(new Field("changes", "Only these changes", Shape.CHOICES, List.of("created", "modified", "deleted", "renamed"), "none: all", false));
        integrity.add(f("followSymlinks", "Follow symbolic links", Shape.FLAG, ""));
        integrity.add(f("includeExpected", "Also rate changes the package manager explains", Shape.FLAG, ""));
        KINDS.put("integrity", List.copyOf(integrity));

        List<Field> app = new ArrayList<>(common);
        app.add(select("decision", "Decision", List.of("allow", "block"), true, ""));
        app.add(new Field("severity", "Severity of a block's finding", Shape.TEXT, withBlank(SEVERITIES), "default high", false));
        app.add(f("ruleset", "Ruleset", Shape.TEXT, "optional tag, e.g. shared or a host name"));
        app.add(f("match.sha256", "SHA-256", Shape.LINES, "one per line; any of the matches applies"));
        app.add(f("match.path", "Paths", Shape.LINES, "absolute paths or globs, one per line"));
        app.add(f("match.package", "Packages", Shape.LINES, "files owned by these dpkg/rpm packages, one per line"));
        KINDS.put("appcontrol", List.copyOf(app));

        List<Field> exclusion = new ArrayList<>(common);
        exclusion.add(f("exclude.paths", "Paths", Shape.LINES, "paths or globs, one per line; any of the matches applies"));
        exclusion.add(f("exclude.extensions", "Extensions", Shape.CSV, "comma-separated, e.g. .wal, .iso"));
        exclusion.add(f("exclude.owners", "Owners", Shape.CSV, "user names, comma-separated"));
        exclusion.add(f("exclude.processes", "Processes", Shape.LINES, "executables whose files are not scanned, one per line"));
        KINDS.put("exclusion", List.copyOf(exclusion));
    }

    private static List<String> withBlank(List<String> options) {
        List<String> l = new ArrayList<>();
        l.add("");
        l.addAll(options);
        return List.copyOf(l);
    }

    /** The generated rule, or the problems by field name ({@code ""} for the document as a whole). */
    record Outcome(DrlSource drl, Map<String, String> problems) {
    }

    /** Builds the template document from the form's values and generates the rule. */
    static Outcome generate(String kind, Map<String, List<String>> form) {
        List<Field> fields = KINDS.get(kind);
        ObjectNode doc = JSON.createObjectNode().put("template", kind);
        Map<String, String> problems = new LinkedHashMap<>();
        for (Field field : fields) {
            List<String> values = form.getOrDefault(field.name(), List.of());
            String text = values.isEmpty() || values.getFirst() == null ? "" : values.getFirst().strip();
            if (text.length() > 64 * 1024) {
                problems.put(field.name(), "at most 64 KiB");
                continue;
            }
            switch (field.shape()) {
                case TEXT -> {
                    if (!text.isEmpty()) {
                        parent(doc, field.name()).put(leaf(field.name()), text);
                    }
                }
                case NUMBER -> {
                    if (!text.isEmpty()) {
                        try {
                            parent(doc, field.name()).put(leaf(field.name()), Long.parseLong(text));
                        } catch (NumberFormatException e) {
                            problems.put(field.name(), "a whole number");
                        }
                    }
                }
                case FLAG -> {
                    if (!text.isEmpty()) {
                        parent(doc, field.name()).put(leaf(field.name()), true);
                    }
                }
                case LINES, CSV -> {
                    List<String> items = split(text, field.shape() == Shape.LINES ? "\\R" : ",");
                    if (!items.isEmpty()) {
                        ArrayNode a = parent(doc, field.name()).putArray(leaf(field.name()));
                        items.forEach(a::add);
                    }
                }
                case CHOICES -> {
                    List<String> chosen = values.stream().filter(v -> v != null && field.options().contains(v)).distinct().toList();
                    if (!chosen.isEmpty()) {
                        ArrayNode a = parent(doc, field.name()).putArray(leaf(field.name()));
                        chosen.forEach(a::add);
                    }
                }
                case CONDITION -> {
                    List<String> items = split(text, ",");
                    if (items.equals(List.of("*"))) {
                        parent(doc, field.name()).putObject(leaf(field.name())).put("present", true);
                    } else if (items.size() == 1) {
                        parent(doc, field.name()).put(leaf(field.name()), items.getFirst());
                    } else if (!items.isEmpty()) {
                        ArrayNode a = parent(doc, field.name()).putArray(leaf(field.name()));
                        items.forEach(a::add);
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            return new Outcome(null, problems);
        }
        try {
            return new Outcome(RuleTemplates.generate(doc.toString(), "form"), Map.of());
        } catch (TemplateException e) {
            for (TemplateProblem p : e.problems()) {
                String field = fieldOf(p.pointer(), fields);
                String help = fields.stream().filter(x -> x.name().equals(field)).map(Field::help).findFirst().orElse("");
                // a pattern's regex says little to a person; the field's help says what is accepted
                String message = p.message().contains("regex pattern") && !help.isEmpty() ? "not accepted here: " + help : p.message();
                problems.merge(field, message, (a, b) -> a + "; " + b);
            }
            return new Outcome(null, problems);
        }
    }

    /** The form field a JSON pointer falls under ({@code /when/decoder/1} → {@code when.decoder}), or {@code ""}. */
    static String fieldOf(String pointer, List<Field> fields) {
        String dotted = pointer == null ? "" : pointer.replaceFirst("^/", "").replace('/', '.');
        String best = "";
        for (Field f : fields) {
            if ((dotted.equals(f.name()) || dotted.startsWith(f.name() + ".")) && f.name().length() > best.length()) {
                best = f.name();
            }
        }
        if (best.isEmpty()) {
            // a missing group ("when" needs one condition, "match" one kind) belongs to its first field
            for (Field f : fields) {
                if (!dotted.isEmpty() && f.name().startsWith(dotted + ".")) {
                    return f.name();
                }
            }
        }
        return best;
    }

    private static List<String> split(String text, String separator) {
        List<String> out = new ArrayList<>();
        for (String s : text.split(separator)) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    private static ObjectNode parent(ObjectNode doc, String dotted) {
        String[] parts = dotted.split("\\.");
        ObjectNode n = doc;
        for (int i = 0; i < parts.length - 1; i++) {
            n = n.has(parts[i]) ? (ObjectNode) n.get(parts[i]) : n.putObject(parts[i]);
        }
        return n;
    }

    private static String leaf(String dotted) {
        return dotted.substring(dotted.lastIndexOf('.') + 1);
    }
}
