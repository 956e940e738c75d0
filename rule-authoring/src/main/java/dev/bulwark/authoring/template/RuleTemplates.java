package dev.bulwark.authoring.template;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import dev.bulwark.authoring.yaml.YamlLocations;
import dev.bulwark.engine.policy.DrlSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a template into one rule's DRL. The document is YAML (JSON is YAML too); it is validated
 * against {@code templates/KIND.schema.json}, whose patterns keep quotes, backslashes, commas in
 * path lists and control characters out of everything that becomes DRL annotation text, and whose
 * enumerations limit field names to the fact's own. Values that become string literals in
 * conditions or messages are escaped. The output is ordinary DRL: it still goes through the DRL
 * policy and the compiler ({@code bulwark-rules new} does both before writing anything).
 */
public final class RuleTemplates {

    /** The template kinds, each with its schema. */
    public static final List<String> KINDS = List.of("log", "integrity", "appcontrol", "exclusion");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");
    private static final List<String> STRING_FIELDS = List.of("host", "program", "decoder", "action", "status", "srcIp", "dstIp",
            "user", "url", "id");
    private static final Map<String, Schema> SCHEMAS = new HashMap<>();

    static {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        for (String kind : KINDS) {
            try (InputStream in = RuleTemplates.class.getResourceAsStream("/templates/" + kind + ".schema.json")) {
                SCHEMAS.put(kind, registry.getSchema(in));
            } catch (IOException e) {
                throw new UncheckedIOException("the " + kind + " template schema is missing from the jar", e);
            }
        }
    }

    private RuleTemplates() {
    }

    /** The JSON Schema of a template kind, as text (for editors and the manager's forms). */
    public static String schema(String kind) throws IOException {
        try (InputStream in = RuleTemplates.class.getResourceAsStream("/templates/" + kind + ".schema.json")) {
            if (in == null) {
                throw new IOException("no template '" + kind + "'; templates: " + String.join(", ", KINDS));
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Validates {@code text} and generates the rule's DRL, named after the rule's id. */
    public static DrlSource generate(String text, String origin) throws TemplateException {
        JsonNode doc;
        Map<String, int[]> where;
        try {
            doc = YAML.readTree(text);
            where = YamlLocations.of(text);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new TemplateException(List.of(new TemplateProblem(origin, "", l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(),
                    "not valid YAML or JSON: " + e.getOriginalMessage())));
        } catch (IOException e) {
            throw new TemplateException(List.of(new TemplateProblem(origin, "", 0, 0, "not readable: " + e.getMessage())));
        }
        if (doc == null || !doc.isObject()) {
            throw new TemplateException(List.of(new TemplateProblem(origin, "", 1, 1, "a template is a mapping with 'template: "
                    + String.join("|", KINDS) + "' and the rule's fields")));
        }
        String kind = doc.path("template").asText("");
        Schema schema = SCHEMAS.get(kind);
        if (schema == null) {
            int[] at = where.getOrDefault("/template", new int[] {1, 1});
            throw new TemplateException(List.of(new TemplateProblem(origin, "/template", at[0], at[1],
                    "'template' must be one of " + String.join(", ", KINDS) + (kind.isEmpty() ? "" : "; got '" + kind + "'"))));
        }
        List<Error> errors = schema.validate(doc);
        List<TemplateProblem> problems = new ArrayList<>();
        for (Error e : errors) {
            String pointer = pointer(e.getInstanceLocation());
            if (e.getProperty() != null && ("required".equals(e.getKeyword()) || "additionalProperties".equals(e.getKeyword()))) {
                pointer = pointer + "/" + e.getProperty();
            }
            int[] at = nearest(where, pointer);
            problems.add(new TemplateProblem(origin, pointer, at[0], at[1], e.getMessage()));
        }
        if (!problems.isEmpty()) {
            throw new TemplateException(problems);
        }
        String drl = switch (kind) {
            case "log" -> log(doc, origin, where);
            case "integrity" -> integrity(doc);
            case "appcontrol" -> appcontrol(doc);
            case "exclusion" -> exclusion(doc);
            default -> throw new IllegalStateException(kind);
        };
        String id = doc.get("id").asText();
        return new DrlSource(kind + "/" + id.toLowerCase(Locale.ROOT) + ".drl", drl);
    }

    // ------------------------------------------------------------------ log

    private static String log(JsonNode t, String origin, Map<String, int[]> where) throws TemplateException {
        String id = t.get("id").asText();
        JsonNode freq = t.path("frequency");
        boolean correlated = freq.isObject();
        List<String> conditions = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = t.get("when").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> c = it.next();
            if (c.getKey().equals("extra")) {
                for (Iterator<Map.Entry<String, JsonNode>> x = c.getValue().fields(); x.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = x.next();
                    conditions.add(condition("extra[" + literal(e.getKey()) + "]", e.getValue()));
                }
            } else {
                conditions.add(condition(c.getKey(), c.getValue()));
            }
        }
        String message = t.path("message").asText(t.get("title").asText());
        String evidence = evidence(t, "$e");
        StringBuilder drl = header(t, "loginspection", t.get("severity").asText(), List.of("dev.bulwark.engine.loginspection.LogEvent",
                "dev.bulwark.engine.loginspection.AlertSuppression", "dev.bulwark.engine.Finding", "dev.bulwark.engine.Severity"));
        String severity = t.get("severity").asText().toUpperCase(Locale.ROOT);
        String base = String.join(", ", conditions);
        if (!correlated) {
            drl.append("when\n    $e: LogEvent( ").append(base).append(" )\nthen\n")
                    .append("    insert(Finding.raise(kcontext, Severity.").append(severity).append(", ")
                    .append(messageExpression(message, "$e", origin, where)).append(evidence).append("));\nend\n");
            return drl.toString();
        }
        String same = freq.get("same").asText();
        long window = freq.get("seconds").asLong() * 1000;
        long suppress = freq.path("suppressSeconds").asLong(freq.get("seconds").asLong()) * 1000;
        drl.append("when\n")
                .append("    $e: LogEvent( ").append(base).append(", $k: ").append(same).append(" != null, $t: timestamp )\n")
                .append("    not AlertSuppression( ruleId == ").append(literal(id)).append(", key == $k, until > $t )\n")
                .append("    $n: Number( intValue >= ").append(freq.get("count").asInt()).append(" ) from accumulate(\n")
                .append("        $f: LogEvent( ").append(base).append(", ").append(same).append(" == $k, timestamp <= $t, timestamp > $t - ")
                .append(window).append(" ),\n        count( $f ) )\n")
                .append("then\n")
                .append("    insert(new AlertSuppression(").append(literal(id)).append(", $k, $t, $t + ").append(suppress).append("));\n")
                .append("    insert(Finding.raise(kcontext, Severity.").append(severity).append(", ")
                .append(messageExpression(message, "$e", origin, where)).append(" + \" (\" + $n + \" within ")
                .append(freq.get("seconds").asLong()).append(" s)\", ").append(literal(same)).append(", $k, \"count\", $n")
                .append(evidence).append("));\nend\n");
        return drl.toString();
    }

    private static String condition(String field, JsonNode c) {
        if (c.isObject()) {
            return field + (c.get("present").asBoolean() ? " != null" : " == null");
        }
        if (c.isArray()) {
            List<String> values = new ArrayList<>();
            c.forEach(v -> values.add(literal(v.asText())));
            return values.size() == 1 ? field + " == " + values.getFirst() : field + " in (" + String.join(", ", values) + ")";
        }
        return field + " == " + literal(c.asText());
    }

    private static String evidence(JsonNode t, String var) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode f : t.path("evidence")) {
            sb.append(", ").append(literal(f.asText())).append(", ").append(var).append('.').append(f.asText()).append("()");
        }
        return sb.toString();
    }

    /** {@code "text {user} more"} as a DRL string expression; placeholders name string fields of the event. */
    private static String messageExpression(String message, String var, String origin, Map<String, int[]> where) throws TemplateException {
        Matcher m = PLACEHOLDER.matcher(message);
        StringBuilder expr = new StringBuilder();
        int last = 0;
        while (m.find()) {
            if (!STRING_FIELDS.contains(m.group(1))) {
                int[] at = where.getOrDefault("/message", new int[] {0, 0});
                throw new TemplateException(List.of(new TemplateProblem(origin, "/message", at[0], at[1],
                        "{" + m.group(1) + "} is not a field; placeholders: {" + String.join("} {", STRING_FIELDS) + "}")));
            }
            if (m.start() > last || expr.isEmpty()) {
                expr.append(literal(message.substring(last, m.start()))).append(" + ");
            }
            expr.append(var).append('.').append(m.group(1)).append("()");
            last = m.end();
            if (last < message.length()) {
                expr.append(" + ");
            }
        }
        return last < message.length() || expr.isEmpty() ? expr.append(literal(message.substring(last))).toString() : expr.toString();
    }

    // ------------------------------------------------------------------ integrity

    private static String integrity(JsonNode t) {
        List<String> monitor = texts(t.get("monitor"));
        List<String> exclude = texts(t.path("exclude"));
        StringBuilder drl = header(t, "integrity", t.get("severity").asText(), List.of("dev.bulwark.engine.integrity.FileChange", "dev.bulwark.engine.integrity.ChangeKind",
                "dev.bulwark.engine.Finding", "dev.bulwark.engine.Severity", "dev.bulwark.engine.helper.Glob"));
        drl.append("    @monitor(").append(literal(String.join(",", monitor))).append(')');
        if (!exclude.isEmpty()) {
            drl.append(" @exclude(").append(literal(String.join(",", exclude))).append(')');
        }
        drl.append(" @attributes(").append(literal(t.has("attributes") ? String.join(",", texts(t.get("attributes"))) : "STANDARD")).append(')');
        if (t.has("depth")) {
            drl.append(" @depth(").append(literal(t.get("depth").asText())).append(')');
        }
        if (t.has("followSymlinks")) {
            drl.append(" @followSymlinks(").append(literal(t.get("followSymlinks").asText())).append(')');
        }
        drl.append('\n');
        List<String> conds = new ArrayList<>();
        if (!t.path("includeExpected").asBoolean(false)) {
            conds.add("expected == false");
        }
        List<String> in = new ArrayList<>();
        for (String p : monitor) {
            in.add(isGlob(p) ? "Glob.matches(" + literal(p) + ", path)"
                    : "path == " + literal(p) + " || Glob.matches(" + literal(p.endsWith("/") ? p + "**" : p + "/**") + ", path)");
        }
        conds.add(in.size() == 1 ? in.getFirst() : "( " + String.join(" || ", in) + " )");
        for (String p : exclude) {
            conds.add(isGlob(p) ? "!Glob.matches(" + literal(p) + ", path)"
                    : "path != " + literal(p) + ", !Glob.matches(" + literal(p.endsWith("/") ? p + "**" : p + "/**") + ", path)");
        }
        if (t.has("changes")) {
            List<String> kinds = new ArrayList<>();
            t.get("changes").forEach(k -> kinds.add("ChangeKind." + k.asText().toUpperCase(Locale.ROOT)));
            conds.add("kind in (" + String.join(", ", kinds) + ")");
        }
        String severity = t.get("severity").asText().toUpperCase(Locale.ROOT);
        drl.append("when\n    $c: FileChange( ").append(String.join(", ", conds)).append(" )\nthen\n")
                .append("    insert(Finding.raise(kcontext, Severity.").append(severity).append(", ")
                .append(literal(t.get("title").asText() + ": ")).append(" + $c.path() + \" \" + $c.kind().name().toLowerCase() + \": \" + $c.changedAttributes(),\n")
                .append("            \"path\", $c.path(), \"change\", $c.kind(), \"attributes\", $c.changedAttributes()));\nend\n");
        return drl.toString();
    }

    // ------------------------------------------------------------------ application control and exclusions

    private static String appcontrol(JsonNode t) {
        boolean allow = t.get("decision").asText().equals("allow");
        JsonNode m = t.get("match");
        List<String> any = new ArrayList<>();
        if (m.has("sha256")) {
            any.add(inList("sha256", texts(m.get("sha256"))));
        }
        for (String p : texts(m.path("path"))) {
            any.add(isGlob(p) ? "Glob.matches(" + literal(p) + ", path)" : "path == " + literal(p));
        }
        if (m.has("package")) {
            any.add(inList("packageName", texts(m.get("package"))));
        }
        String id = t.get("id").asText();
        String severity = allow ? "info" : t.path("severity").asText("high");
        if (t.has("ruleset")) { // the ruleset an entry belongs to is one of its tags
            com.fasterxml.jackson.databind.node.ObjectNode tagged = t.deepCopy();
            tagged.withArray("tags").add(t.get("ruleset").asText());
            t = tagged;
        }
        StringBuilder drl = header(t, "appcontrol", severity, List.of("dev.bulwark.engine.appcontrol.ExecRequest", "dev.bulwark.engine.Verdict",
                "dev.bulwark.engine.Finding", "dev.bulwark.engine.Severity", "dev.bulwark.engine.Action", "dev.bulwark.engine.helper.Glob"));
        drl.append("when\n    $x: ExecRequest( ").append(String.join(" || ", any)).append(" )\nthen\n");
        if (allow) {
            drl.append("    insert(Verdict.decide(kcontext, Action.ALLOW, ").append(literal("approved by " + id + ": ")).append(" + $x.path()));\n");
        } else {
            drl.append("    insert(Verdict.decide(kcontext, Action.BLOCK, ").append(literal("blocked by " + id + ": ")).append(" + $x.path()));\n")
                    .append("    insert(Finding.raise(kcontext, Severity.").append(severity.toUpperCase(Locale.ROOT)).append(", ").append(literal(t.get("title").asText() + ": "))
                    .append(" + $x.path() + \" run by \" + $x.user(),\n")
                    .append("            \"path\", $x.path(), \"sha256\", $x.sha256(), \"user\", $x.user(), \"parent\", $x.parentPath(), \"commandLine\", $x.commandLine()));\n");
        }
        return drl.append("end\n").toString();
    }

    private static String exclusion(JsonNode t) {
        JsonNode e = t.get("exclude");
        List<String> any = new ArrayList<>();
        for (String p : texts(e.path("paths"))) {
            any.add(isGlob(p) ? "Glob.matches(" + literal(p) + ", path)" : "path == " + literal(p));
        }
        for (String x : texts(e.path("extensions"))) {
            any.add("path str[endsWith] " + literal(x));
        }
        if (e.has("owners")) {
            any.add(inList("owner", texts(e.get("owners"))));
        }
        for (String p : texts(e.path("processes"))) {
            any.add("process != null && " + (isGlob(p) ? "Glob.matches(" + literal(p) + ", process)" : "process == " + literal(p)));
        }
        String id = t.get("id").asText();
        StringBuilder drl = header(t, "antimalware", "info", List.of("dev.bulwark.engine.antimalware.ScannedFile", "dev.bulwark.engine.Verdict",
                "dev.bulwark.engine.Action", "dev.bulwark.engine.helper.Glob"));
        drl.append("when\n    $f: ScannedFile( ").append(String.join(" || ", any)).append(" )\nthen\n")
                .append("    insert(Verdict.decide(kcontext, Action.ALLOW, ").append(literal("excluded by " + id + ": ")).append(" + $f.path()));\n")
                .append("end\n");
        return drl.toString();
    }

    private static String inList(String field, List<String> values) {
        return values.size() == 1 ? field + " == " + literal(values.getFirst())
                : field + " in (" + String.join(", ", values.stream().map(RuleTemplates::literal).toList()) + ")";
    }

    private static boolean isGlob(String p) {
        return p.indexOf('*') >= 0 || p.indexOf('?') >= 0 || p.indexOf('[') >= 0;
    }

    // ------------------------------------------------------------------ shared

    /** Package, imports, and the rule's name and metadata (one annotation line ending in a newline). */
    private static StringBuilder header(JsonNode t, String module, String severity, List<String> imports) {
        String id = t.get("id").asText();
        StringBuilder drl = new StringBuilder();
        drl.append("package rules.").append(module).append(".templates;\n\n");
        imports.forEach(i -> drl.append("import ").append(i).append(";\n"));
        drl.append("\n// Generated from the '").append(t.get("template").asText()).append("' template; edit the template, not this file.\n");
        drl.append("rule ").append(literal(id)).append('\n')
                .append("    @id(").append(literal(id)).append(") @title(").append(literal(t.get("title").asText())).append(") @module(\"")
                .append(module).append("\") @severity(").append(literal(severity)).append(')');
        if (t.hasNonNull("application")) {
            drl.append(" @application(").append(literal(t.get("application").asText())).append(')');
        }
        if (t.has("tags")) {
            drl.append(" @tags(").append(literal(String.join(",", texts(t.get("tags"))))).append(')');
        }
        if (t.hasNonNull("description")) {
            drl.append(" @description(").append(literal(t.get("description").asText().strip())).append(')');
        }
        drl.append(" @since(\"template\")\n");
        return drl;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * A DRL (Java-syntax) string literal. Characters are written as themselves: the DRL policy
     * refuses unicode escapes, which Java decodes before parsing. Control and bidirectional-override
     * characters never get here (the schemas refuse them); meeting one is a bug, not input.
     */
    static String literal(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')) {
                throw new IllegalStateException("character U+" + String.format("%04X", (int) c) + " passed the template schema");
            }
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    private static String pointer(NodePath path) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            sb.append('/').append(String.valueOf(path.getElement(i)).replace("~", "~0").replace("/", "~1"));
        }
        return sb.toString();
    }

    /** Line and column of the value at {@code pointer}, or of its closest ancestor that has one. */
    private static int[] nearest(Map<String, int[]> where, String pointer) {
        String p = pointer;
        while (true) {
            int[] at = where.get(p);
            if (at != null) {
                return at;
            }
            if (p.isEmpty()) {
                return new int[] {1, 1};
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }
}
