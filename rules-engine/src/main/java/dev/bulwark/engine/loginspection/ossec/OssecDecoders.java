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
    private static final Set<String> PLUGINS = Set.of("JSON_Decoder", "SonicWall_Decoder");
    /** SonicWall_Decoder's three OS_Regex patterns, as OSSEC and Wazuh compile them; compiled once. */
    private static final OsRegex SONICWALL_PRIORITY = OsRegex.of("pri=(\\d) c=(\\d+) m=(\\d+) ");
    private static final OsRegex SONICWALL_ADDRESSES = OsRegex.of("src=(\\d+.\\d+.\\d+.\\d+):(\\d+):\\S+ dst=(\\d+.\\d+.\\d+.\\d+):(\\d+):");
    private static final OsRegex SONICWALL_PROXY = OsRegex.of("result=(\\d+) dstname=(\\S+) arg=(\\S+)$");
    /** SonicWall message ids that say what happened to a connection. */
    private static final Map<String, String> SONICWALL_ACTIONS = Map.of("98", "pass", "597", "pass", "598", "pass", "38", "drop",
            "36", "drop", "173", "drop", "174", "drop", "37", "drop", "537", "close");
    private static final int MAX_JSON_DEPTH = 32;
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH).maxStringLength(1 << 20).build()).build());

    /**
     * The syslog headers pre-decoding knows: BSD, BSD with year or fraction, year first
     * ({@code 2015 Dec 29 10:00:01}), ISO 8601 (T or space, as macOS writes it) and proftpd's
     * {@code 2015-04-16 21:51:02,805}; then a host and the rest.
     */
    private static final Pattern BSD = Pattern.compile(
            "^(?:[A-Z][a-z]{2} [ 0-9]?[0-9](?: [0-9]{4})? [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]+)?"
                    + "|[0-9]{4} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}"
                    + "|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]+)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?"
                    + "|[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]+[+-][0-9]{4}"
                    + "|[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3}) +"
                    + "(\\S+) (.*)$", Pattern.DOTALL);
    /** Solaris writes a message id before the text: {@code [ID 800047 auth.notice] }. */
    private static final Pattern SOLARIS_ID = Pattern.compile("^\\[ID [0-9]+ [a-z0-9]+\\.[a-z]+\\] ");
    /**
     * The token after the date when it is already a program ({@code Info:}): the line names no host.
     * {@code sshd[12]:} there is no host name either, but not a program: OSSEC and Wazuh then take
     * neither, and the message keeps the token.
     */
    private static final Pattern PROGRAM_WITHOUT_HOST = Pattern.compile("^([^\\s\\[\\]:%][^\\s\\[\\]:]*):$");
    /** A program name, as pre-decoding takes it ({@code p:}, {@code p[pid]:}, or {@code p[pid] } without the colon some systems omit); not one that starts with %, which is a device message id (Cisco, Huawei). */
    private static final Pattern PROGRAM = Pattern.compile("^([^\\s\\[\\]:%][^\\s\\[\\]:]*)(?:\\[[0-9]+\\]:(?: |$)?|\\[[0-9]+\\] |:(?: |$)?)(.*)$", Pattern.DOTALL);

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
    private final OssecLists lists;

    /** Builds the tree without CDB lists. */
    public OssecDecoders(List<DecoderSpec> specs) {
        this(specs, OssecLists.NONE);
    }

    /**
     * Builds the tree; decoders with a broken pattern, an unknown parent or plugin are reported and
     * left out. {@code lists} are the ruleset's CDB lists: every decoded event carries them to the
     * rules' {@code <list>} conditions.
     */
    public OssecDecoders(List<DecoderSpec> specs, OssecLists lists) {
        this.lists = lists == null ? OssecLists.NONE : lists;
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

    /** The CDB lists decoded events carry. */
    public OssecLists lists() {
        return lists;
    }

    /** Decoders in use (left-out ones not counted). */
    public int size() {
        return used.size();
    }

    /** The decoders in use, in load order: what a bundle carries ({@link OssecDecoderFile}). */
    public List<DecoderSpec> specs() {
        return List.copyOf(used);
    }

    /** What pre-decoding takes from a line: host and program (null when the line names none) and the message rules see. */
    record Header(String host, String program, String log) {
    }

    /**
     * Pre-decoding, as OSSEC/Wazuh's {@code OS_CleanMSG}: a syslog header (a date, then a host
     * name and a program, either of which may be absent), else one of the other headers it knows,
     * whose date is dropped: xferlog, snort, suricata, the Apache error log, macOS ASL (program,
     * message and host from its bracketed entries) and squid. A line in none of these is all message.
     */
    static Header predecode(String full) {
        Matcher h = BSD.matcher(full);
        if (h.matches()) {
            String host = h.group(1);
            String log = h.group(2);
            Matcher noHost = PROGRAM_WITHOUT_HOST.matcher(host);
            if (noHost.matches()) {
                // "Mar 13 15:25:07 Info: auth..." has no host: the token after the date is the program
                return new Header(null, noHost.group(1), log);
            }
            if (!isHostName(host)) {
                // "Feb 20 12:26:25 date=2011-02-20 time=..." names no host: the message starts after the date
                return new Header(null, null, host + " " + log);
            }
            Matcher p = PROGRAM.matcher(log);
            if (!p.matches()) {
                return new Header(host, null, log);
            }
            log = p.group(2);
            Matcher sol = SOLARIS_ID.matcher(log);
            if (sol.find()) {
                log = log.substring(sol.end());
            }
            return new Header(host, p.group(1), log);
        }
        int n = full.length();
        if (n > 27 && at(full, ' ', 3, 7, 10, 19, 24, 26) && at(full, ':', 13, 16)) {
            return new Header(null, null, full.substring(25)); // xferlog: Mon Apr 17 18:27:14 2006 1 64.160.42.130 ...
        }
        if (n > 23 && at(full, '/', 2) && at(full, '-', 5) && at(full, ':', 8, 11) && at(full, '.', 14) && at(full, ' ', 21)) {
            return new Header(null, null, full.substring(23)); // snort: 01/28-09:13:16.240702  [**] ...
        }
        if (n > 27 && at(full, '/', 2, 5) && at(full, '-', 10) && at(full, ':', 13, 16) && at(full, '.', 19) && at(full, ' ', 26)) {
            return new Header(null, null, full.substring(28)); // suricata: 01/28/1979-09:13:16.240702  [**] ...
        }
        if (n > 26 && at(full, '[', 0) && at(full, ' ', 4, 8, 11, 20) && at(full, ':', 14, 17) && at(full, ']', 25)) {
            return new Header(null, null, full.substring(27)); // Apache error log: [Fri Feb 11 18:06:35 2004] [warn] ...
        }
        if (n > 25 && full.startsWith("[T") && at(full, ' ', 5, 16) && at(full, '.', 10, 13) && at(full, ':', 19)) {
            return asl(full);
        }
        if (n > 31 && full.charAt(0) == '1' && digits(full, 1, 2, 3, 13) && at(full, '.', 10) && at(full, ' ', 14)
                && (full.charAt(21) == ' ' || full.charAt(22) == ' ')) {
            int start = 14;
            while (start < n && full.charAt(start) == ' ') {
                start++;
            }
            return new Header(null, null, full.substring(start)); // squid: 1140804070.368  11623 192.168.1.201 TCP_DENIED/400 ...
        }
        return new Header(null, null, full);
    }

    /**
     * macOS ASL: {@code [Time 2006.12.28 15:53:55 UTC] [Facility auth] [Sender sshd] [PID 483] [Message ...] [Host h]}:
     * the program is the first Sender, the message the first Message, the host the Host entry
     * (which ends the reading); a message without its closing bracket runs to the end of the line.
     */
    private static Header asl(String full) {
        String program = null;
        String host = null;
        String log = full.substring(25);
        boolean message = false;
        int i = full.indexOf('[', 25);
        while (i >= 0) {
            int start = i + 1;
            int close = full.indexOf(']', start);
            if (full.startsWith("Sender ", start) && program == null) {
                if (close < 0) {
                    break;
                }
                program = full.substring(start + 7, close);
            } else if (full.startsWith("Message ", start) && !message) {
                message = true;
                log = close < 0 ? full.substring(start + 8) : full.substring(start + 8, close);
                if (close < 0) {
                    break;
                }
            } else if (full.startsWith("Host ", start)) {
                host = close < 0 ? null : full.substring(start + 5, close);
                break;
            }
            i = full.indexOf('[', close < 0 ? start : close + 1);
        }
        return new Header(host, program, log);
    }

    /** A host name as OSSEC's pre-decoding accepts it (its {@code hostname_map}: letters, digits, {@code ( ) . _ -}); any other token after the date is no host. */
    private static boolean isHostName(String token) {
        for (int i = 0; i < token.length(); i++) {
            if (!isHostChar(token.charAt(i))) {
                return false;
            }
        }
        return !token.isEmpty();
    }

    private static boolean isHostChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '(' || c == ')' || c == '.' || c == '_' || c == '-';
    }

    /** True when {@code s} has the character {@code c} at each of {@code positions}. */
    private static boolean at(String s, char c, int... positions) {
        for (int p : positions) {
            if (p >= s.length() || s.charAt(p) != c) {
                return false;
            }
        }
        return true;
    }

    private static boolean digits(String s, int... positions) {
        for (int p : positions) {
            if (p >= s.length() || s.charAt(p) < '0' || s.charAt(p) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Pre-decodes and decodes one line. Never throws on content; an undecodable line still yields an event. */
    public OssecEvent decode(String line, String location, long timestamp) {
        String full = line == null ? "" : line;
        Header header = predecode(full);
        String log = header.log();
        String host = header.host();
        String program = header.program();
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
            if ("SonicWall_Decoder".equals(r.plugin())) {
                String type = sonicWall(log, fields);
                if (type != null) {
                    category = type;
                }
            }
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
        return new OssecEvent(timestamp, location, full, log, host, program, decoder, category, fields, new MatchedLevel(), fts, lists);
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

    /**
     * The {@code SonicWall_Decoder} plugin, as OSSEC and Wazuh run it: {@code pri=} is the status and
     * {@code m=} the id; the source and destination address and port, then the protocol; category
     * 32 makes the event an {@code ids} one, message ids of opened, dropped and closed connections a
     * {@code firewall} one with action {@code pass}, {@code drop} or {@code close}, and id 97 (a web
     * proxy line) a {@code squid} one whose id is the HTTP result and whose URL is host and path.
     * Each step needs the one before; a line it cannot read is left to the child decoders.
     *
     * @return the category the plugin gives the event, or null to keep the decoder's
     */
    private static String sonicWall(String log, Map<String, String> into) {
        OsRegex.Match prid = SONICWALL_PRIORITY.find(log, 0);
        if (prid == null || prid.captures().size() < 3 || prid.captures().contains(null)) {
            return null;
        }
        String id = prid.captures().get(2);
        into.putIfAbsent("status", prid.captures().get(0));
        OsRegex.Match sd = SONICWALL_ADDRESSES.find(log, prid.end());
        if (sd == null || sd.captures().size() < 4 || sd.captures().contains(null)) {
            into.putIfAbsent("id", id);
            return null;
        }
        into.putIfAbsent("srcip", sd.captures().get(0));
        into.putIfAbsent("srcport", sd.captures().get(1));
        into.putIfAbsent("dstip", sd.captures().get(2));
        into.putIfAbsent("dstport", sd.captures().get(3));
        int space = log.indexOf(' ', sd.end());
        String rest = space < 0 ? null : log.substring(space + 1);
        if (rest != null && rest.startsWith("proto=")) {
            int end = 6;
            while (end < rest.length() && end < 12 && isHostChar(rest.charAt(end)) && rest.charAt(end) != '/') {
                end++;
            }
            into.putIfAbsent("protocol", rest.substring(6, end));
        }
        String category = null;
        if (prid.captures().get(1).equals("32")) {
            category = "ids";
        } else if (SONICWALL_ACTIONS.containsKey(id)) {
            category = "firewall";
            into.putIfAbsent("action", SONICWALL_ACTIONS.get(id));
        } else if (id.equals("97") && rest != null) {
            OsRegex.Match proxy = SONICWALL_PROXY.find(rest, 0);
            if (proxy != null && proxy.captures().size() == 3 && !proxy.captures().contains(null)) {
                category = "squid";
                id = proxy.captures().get(0);
                into.putIfAbsent("url", proxy.captures().get(1) + proxy.captures().get(2));
            }
        }
        into.putIfAbsent("id", id);
        return category;
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
