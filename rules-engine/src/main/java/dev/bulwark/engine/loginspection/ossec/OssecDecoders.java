package dev.bulwark.engine.loginspection.ossec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The decoding half of an imported OSSEC/Wazuh ruleset: pre-decoding of the syslog header
 * (timestamp, host, program name) and then the decoder tree. The first root decoder (in load
 * order) whose program name and prematch accept the message is chosen; then the first of its
 * children that matches, followed by that child's siblings of the same name, each adding fields.
 * Offsets ({@code after_parent}, {@code after_prematch}, {@code after_regex}) say where a pattern
 * starts in the message. {@code JSON_Decoder} turns a JSON message into dotted field names.
 *
 * <p>Immutable after construction and safe to share between threads.
 */
public final class OssecDecoders {

    /** The fields with a slot of their own in OSSEC; {@code user} is the destination user. */
    private static final Map<String, String> STATIC_ALIASES = Map.of("user", "dstuser");
    private static final Set<String> PLUGINS = Set.of("JSON_Decoder");
    private static final int MAX_JSON_DEPTH = 32;
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH).maxStringLength(1 << 20).build()).build());

    /** The syslog headers pre-decoding knows: BSD, BSD with year or fraction, ISO 8601 (T or space, as macOS writes it). */
    private static final Pattern BSD = Pattern.compile(
            "^(?:[A-Z][a-z]{2} [ 0-9]?[0-9](?: [0-9]{4})? [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]+)?"
                    + "|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]+)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?"
                    + "|[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]+[+-][0-9]{4}) +"
                    + "(\\S+) (.*)$", Pattern.DOTALL);
    /** Solaris writes a message id before the text: {@code [ID 800047 auth.notice] }. */
    private static final Pattern SOLARIS_ID = Pattern.compile("^\\[ID [0-9]+ [a-z0-9]+\\.[a-z]+\\] ");
    /** The token after the date when it is already a program ({@code Info:}, {@code sshd[12]:}): the line names no host. */
    private static final Pattern PROGRAM_WITHOUT_HOST = Pattern.compile("^([^\\s\\[\\]:%][^\\s\\[\\]:]*)(?:\\[[0-9]+\\])?:$");
    /** A program name, as pre-decoding takes it; not one that starts with %, which is a device message id (Cisco, Huawei). */
    private static final Pattern PROGRAM = Pattern.compile("^([^\\s\\[\\]:%][^\\s\\[\\]:]*)(?:\\[[0-9]+\\])?:(?: |$)?(.*)$", Pattern.DOTALL);

    /** A decoder that could not be used, and why. */
    public record Problem(String where, String message) {
        @Override
        public String toString() {
            return where + ": " + message;
        }
    }

    private record Node(DecoderSpec spec, List<Node> children) {
    }

    private final List<Node> roots = new ArrayList<>();
    /**
     * For each program name seen, the roots whose {@code <program_name>} accepts it (or that have
     * none), in load order: a line is offered only to those, instead of every root testing its
     * program-name pattern. Bounded; a flood of distinct names only empties it.
     */
    private final dev.bulwark.engine.helper.BoundedCache<String, List<Node>> rootsByProgram = new dev.bulwark.engine.helper.BoundedCache<>(4096);
    /** The roots for a line without a program name. */
    private final List<Node> rootsWithoutProgram;
    private final List<Problem> problems = new ArrayList<>();
    private final List<DecoderSpec> used = new ArrayList<>();

    /** Builds the tree; decoders with a broken pattern, an unknown parent or plugin are reported and left out. */
    public OssecDecoders(List<DecoderSpec> specs) {
        Map<String, List<Node>> byName = new LinkedHashMap<>();
        for (DecoderSpec d : specs) {
            String broken = check(d);
            if (broken != null) {
                problems.add(new Problem(d.where(), "decoder '" + d.name() + "' left out: " + broken));
                continue;
            }
            Node node = new Node(d, new ArrayList<>());
            if (d.parent() == null) {
                roots.add(node);
            } else {
                List<Node> parents = byName.get(d.parent());
                if (parents == null) {
                    problems.add(new Problem(d.where(), "decoder '" + d.name() + "' left out: parent '" + d.parent() + "' is not a decoder without a parent defined before it"));
                    continue;
                }
                // roots may share a name (alternative prematches): children hang under each of them
                parents.forEach(p -> p.children().add(node));
            }
            if (d.parent() == null) {
                // Wazuh decoders are one level deep: only a root can be a parent
                byName.computeIfAbsent(d.name(), k -> new ArrayList<>()).add(node);
            }
            used.add(d);
        }
        rootsWithoutProgram = roots.stream().filter(n -> programMatches(n.spec().programName(), null)).toList();
    }

    private static String check(DecoderSpec d) {
        if (d.name() == null || d.name().isBlank()) {
            return "it has no name";
        }
        if (d.plugin() != null && !PLUGINS.contains(d.plugin())) {
            return "plugin decoder '" + d.plugin() + "' is not supported (supported: " + PLUGINS + ")";
        }
        if (d.regexes().size() != d.orders().size() && !d.orders().isEmpty() && d.orders().size() != 1) {
            return d.regexes().size() + " <regex> but " + d.orders().size() + " <order>";
        }
        try {
            for (PatternRef p : d.regexes()) {
                p.validated();
            }
            if (d.prematch() != null) {
                d.prematch().validated();
            }
            if (d.programName() != null) {
                d.programName().validated();
            }
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }

    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    /** Decoders in use (left-out ones not counted). */
    public int size() {
        return used.size();
    }

    /** The decoders in use, in load order: what a bundle carries ({@link OssecDecoderFile}). */
    public List<DecoderSpec> specs() {
        return List.copyOf(used);
    }

    /** Pre-decodes and decodes one line. Never throws on content; an undecodable line still yields an event. */
    public OssecEvent decode(String line, String location, long timestamp) {
        String full = line == null ? "" : line;
        String log = full;
        String host = null;
        String program = null;
        Matcher h = BSD.matcher(full);
        if (h.matches()) {
            host = h.group(1);
            log = h.group(2);
            Matcher noHost = PROGRAM_WITHOUT_HOST.matcher(host);
            if (noHost.matches()) {
                // "Mar 13 15:25:07 Info: auth..." has no host: the token after the date is the program
                host = null;
                program = noHost.group(1);
            } else {
                Matcher p = PROGRAM.matcher(log);
                if (p.matches()) {
                    program = p.group(1);
                    log = p.group(2);
                    Matcher sol = SOLARIS_ID.matcher(log);
                    if (sol.find()) {
                        log = log.substring(sol.end());
                    }
                }
            }
        }
        Map<String, String> fields = new HashMap<>();
        String decoder = null;
        String category = "syslog";
        List<String> fts = List.of();
        // a line with a program tries the roots that name a program first, then the others (each in load order):
        // ERAServer's JSON goes to eset-bsd, not to the generic json decoder loaded before it
        List<Node> candidates = program == null ? rootsWithoutProgram : rootsByProgram.get(program, k -> java.util.stream.Stream.concat(
                roots.stream().filter(n -> namesProgram(n.spec()) && programMatches(n.spec().programName(), k)),
                roots.stream().filter(n -> !namesProgram(n.spec()))).toList());
        for (Node root : candidates) {
            DecoderSpec r = root.spec();
            int prematchEnd = 0;
            if (r.prematch() != null) {
                OsRegex.Match m = r.prematch().find(log, 0);
                if ((m == null) != r.prematch().negate()) {
                    continue;
                }
                prematchEnd = m == null ? 0 : m.end();
            } else if (r.programName() == null) {
                continue;
            }
            decoder = r.name();
            category = r.type() == null ? "syslog" : r.type();
            fts = r.fts();
            int[] regexEnd = {prematchEnd};
            extract(r, log, 0, prematchEnd, regexEnd, fields);
            // Children come in sibling groups (consecutive children of one name): the first group
            // whose first member matches is the event's; every member of it then adds its fields.
            List<Node> children = root.children();
            for (int g = 0; g < children.size(); ) {
                int end = g + 1;
                while (end < children.size() && children.get(end).spec().name().equals(children.get(g).spec().name())) {
                    end++;
                }
                Map<String, String> got = new HashMap<>();
                int[] childRegexEnd = {prematchEnd};
                boolean matched = false;
                for (int k = g; k < end; k++) {
                    DecoderSpec c = children.get(k).spec();
                    boolean first = k == g;
                    if (!programMatches(c.programName(), program)) {
                        if (first) {
                            break;
                        }
                        continue;
                    }
                    int childPrematchEnd = prematchEnd;
                    if (c.prematch() != null) {
                        OsRegex.Match m = c.prematch().find(log, start(c.prematch().offset(), prematchEnd, prematchEnd, childRegexEnd[0]));
                        if ((m == null) != c.prematch().negate()) {
                            if (first) {
                                break;
                            }
                            continue;
                        }
                        childPrematchEnd = m == null ? prematchEnd : m.end();
                    }
                    boolean ok = extract(c, log, prematchEnd, childPrematchEnd, childRegexEnd, got);
                    if (!ok && c.prematch() == null) {
                        continue; // a sibling whose regex does not match adds nothing; the next one still may
                    }
                    matched = true;
                }
                if (matched) {
                    got.forEach(fields::putIfAbsent);
                    DecoderSpec c = children.get(g).spec();
                    if (c.useOwnName()) {
                        decoder = c.name();
                    }
                    if (c.type() != null) {
                        category = c.type();
                    }
                    if (!c.fts().isEmpty()) {
                        fts = c.fts();
                    }
                    break;
                }
                g = end;
            }
            break;
        }
        return new OssecEvent(timestamp, location, full, log, host, program, decoder, category, fields, new MatchedLevel(), fts);
    }

    private static boolean namesProgram(DecoderSpec d) {
        return d.programName() != null && !d.programName().text().isBlank();
    }

    /**
     * An empty {@code <program_name />} accepts any line, with a program name or without: Cisco's
     * decoders use it for device lines that have none, and Wazuh's second {@code pam} decoder for
     * {@code CRON[…]: pam_unix(cron:session): …} and {@code passwd[…]: pam_unix(…)} (its file's own
     * samples), which Wazuh reports as PAM sessions. Otherwise the pattern must match the name.
     */
    private static boolean programMatches(PatternRef spec, String program) {
        if (spec == null || spec.text().isBlank()) {
            return true;
        }
        return spec.test(program);
    }

    private static int start(String offset, int parentEnd, int prematchEnd, int regexEnd) {
        if (offset == null) {
            return 0;
        }
        return switch (offset) {
            case "after_parent" -> parentEnd;
            case "after_prematch" -> prematchEnd;
            case "after_regex" -> regexEnd;
            default -> 0;
        };
    }

    /** Runs a decoder's regexes and plugin; false when it has regexes and none matched. */
    private static boolean extract(DecoderSpec d, String log, int parentEnd, int prematchEnd, int[] regexEnd, Map<String, String> into) {
        boolean any = d.regexes().isEmpty();
        for (int i = 0; i < d.regexes().size(); i++) {
            PatternRef re = d.regexes().get(i);
            OsRegex.Match m = re.find(log, start(re.offset(), parentEnd, prematchEnd, regexEnd[0]));
            if (m == null) {
                continue;
            }
            any = true;
            regexEnd[0] = m.end();
            List<String> order = d.orders().isEmpty() ? List.of() : d.orders().get(Math.min(i, d.orders().size() - 1));
            for (int k = 0; k < order.size() && k < m.captures().size(); k++) {
                String value = m.captures().get(k);
                if (value != null) {
                    String name = order.get(k).trim();
                    into.putIfAbsent(STATIC_ALIASES.getOrDefault(name, name), value);
                }
            }
        }
        if ("JSON_Decoder".equals(d.plugin())) {
            int from = start(d.pluginOffset(), parentEnd, prematchEnd, regexEnd[0]);
            json(log.substring(Math.min(from, log.length())), d.jsonNulls(), into);
        }
        return any;
    }

    private static void json(String text, String nulls, Map<String, String> into) {
        int brace = text.indexOf('{');
        if (brace < 0) {
            return;
        }
        try {
            JsonNode root = JSON.readTree(text.substring(brace));
            if (root != null && root.isObject()) {
                flatten("", root, nulls, into);
            }
        } catch (java.io.IOException | RuntimeException e) {
            into.putIfAbsent("json_error", e.getClass().getSimpleName());
        }
    }

    /**
     * An array as Wazuh's JSON decoder leaves it in a field: JSON text with a tab after each key's
     * colon, as cJSON prints (GCP rules test {@code "granted":\\strue}).
     */
    static String arrayText(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        appendJson(node, sb);
        return sb.toString();
    }

    private static void appendJson(JsonNode node, StringBuilder sb) {
        if (node.isObject()) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                sb.append(first ? "" : ",").append(com.fasterxml.jackson.databind.node.TextNode.valueOf(e.getKey())).append(":\t");
                appendJson(e.getValue(), sb);
                first = false;
            }
            sb.append('}');
        } else if (node.isArray()) {
            sb.append('[');
            for (int i = 0; i < node.size(); i++) {
                sb.append(i == 0 ? "" : ",");
                appendJson(node.get(i), sb);
            }
            sb.append(']');
        } else {
            sb.append(node.toString());
        }
    }

    private static void flatten(String prefix, JsonNode node, String nulls, Map<String, String> into) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), nulls, into);
            }
        } else if (node.isNull()) {
            switch (nulls) {
                case "discard" -> { }
                case "empty" -> into.putIfAbsent(STATIC_ALIASES.getOrDefault(prefix, prefix), "");
                default -> into.putIfAbsent(STATIC_ALIASES.getOrDefault(prefix, prefix), "null");
            }
        } else if (node.isArray()) {
            into.putIfAbsent(prefix, arrayText(node));
        } else {
            into.putIfAbsent(STATIC_ALIASES.getOrDefault(prefix, prefix), node.asText());
        }
    }
}
