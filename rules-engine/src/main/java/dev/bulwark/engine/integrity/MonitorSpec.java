package dev.bulwark.engine.integrity;

import dev.bulwark.engine.RuleMetadata;
import dev.bulwark.engine.helper.Glob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one integrity rule asks the agent to monitor: a set of files and directories and which of
 * their attributes. An integrity rule declares it in annotations beside its metadata:
 * <pre>
 *   &#64;monitor("/etc/ssh/**, /etc/shadow")   paths or globs, absolute; a plain path means it and all below it
 *   &#64;exclude("/etc/ssh/*.bak")             optional globs left out (a matching directory is not entered)
 *   &#64;attributes("STANDARD,-xattrs")         optional; default STANDARD (see {@link FileAttribute#parse})
 *   &#64;depth("2")                             optional; levels below each root; default unlimited
 *   &#64;followSymlinks("true")                 optional; default false: a symlink is recorded, not followed
 * </pre>
 * The rule compiler checks these and refuses a rule whose spec does not parse.
 *
 * @param maxDepth levels below a root that are recorded, or -1 for all
 */
public record MonitorSpec(String ruleId, List<String> includes, List<String> excludes, Set<FileAttribute> attributes,
                          int maxDepth, boolean followSymlinks) {

    public static final String MONITOR = "monitor";
    public static final String EXCLUDE = "exclude";
    public static final String ATTRIBUTES = "attributes";
    public static final String DEPTH = "depth";
    public static final String FOLLOW_SYMLINKS = "followSymlinks";
    /** On an integrity rule: the system entities it rates ({@code @monitorEntities("user,group")}). */
    public static final String MONITOR_ENTITIES = "monitorEntities";

    /** The entity types an agent collects besides files, in the order they are reported. */
    public static final List<String> ENTITY_TYPES = List.of("package", "service", "port", "user", "group", "kmod", "crontab");

    public MonitorSpec {
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
        attributes = java.util.Collections.unmodifiableSet(attributes.isEmpty() ? java.util.EnumSet.noneOf(FileAttribute.class)
                : java.util.EnumSet.copyOf(attributes));
        if (includes.isEmpty()) {
            throw new IllegalArgumentException("@monitor names no path");
        }
        for (String p : includes) {
            checkPath(p, MONITOR);
        }
        for (String p : excludes) {
            checkPath(p, EXCLUDE);
        }
        if (maxDepth < -1) {
            throw new IllegalArgumentException("@depth must be 0 or more");
        }
    }

    private static void checkPath(String p, String annotation) {
        if (!p.startsWith("/")) {
            throw new IllegalArgumentException("@" + annotation + " path '" + p + "' is not absolute; write it from /");
        }
        if (p.indexOf('\0') >= 0 || p.length() > 4096) {
            throw new IllegalArgumentException("@" + annotation + " path is longer than 4096 characters or holds a NUL");
        }
        for (String segment : p.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new IllegalArgumentException("@" + annotation + " path '" + p + "' has a '.' or '..' segment; write the plain path");
            }
        }
    }

    /** The spec in a rule's annotations, or empty when the rule has no {@code @monitor}. */
    public static Optional<MonitorSpec> fromAnnotations(String ruleId, Map<String, ?> annotations) {
        String monitor = RuleMetadata.unquote(annotations.get(MONITOR));
        if (monitor == null) {
            return Optional.empty();
        }
        String attrs = RuleMetadata.unquote(annotations.get(ATTRIBUTES));
        String depth = RuleMetadata.unquote(annotations.get(DEPTH));
        String follow = RuleMetadata.unquote(annotations.get(FOLLOW_SYMLINKS));
        int maxDepth;
        try {
            maxDepth = depth == null || depth.isBlank() ? -1 : Integer.parseInt(depth.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("@depth \"" + depth + "\" is not a number");
        }
        if (follow != null && !follow.isBlank() && !follow.trim().equals("true") && !follow.trim().equals("false")) {
            throw new IllegalArgumentException("@followSymlinks must be \"true\" or \"false\"");
        }
        return Optional.of(new MonitorSpec(ruleId, csv(monitor), csv(RuleMetadata.unquote(annotations.get(EXCLUDE))),
                attrs == null ? FileAttribute.STANDARD : FileAttribute.parse(attrs), maxDepth,
                follow != null && follow.trim().equals("true")));
    }

    /**
     * Parses {@code "packages,users"} (plural or singular, any case, or {@code all}) into entity
     * types.
     *
     * @throws IllegalArgumentException naming the unknown word and the valid ones
     */
    public static List<String> entityTypes(String csv) {
        if (csv == null || csv.isBlank()) {
            throw new IllegalArgumentException("no entity type given; use all or " + String.join(", ", ENTITY_TYPES));
        }
        if (csv.trim().equalsIgnoreCase("all")) {
            return ENTITY_TYPES;
        }
        List<String> out = new ArrayList<>();
        for (String part : csv.split(",")) {
            String t = part.trim().toLowerCase(java.util.Locale.ROOT);
            if (t.isEmpty()) {
                continue;
            }
            if (!ENTITY_TYPES.contains(t) && t.endsWith("s")) {
                t = t.substring(0, t.length() - 1);
            }
            if (t.equals("module") || t.equals("kernel-module")) {
                t = "kmod";
            }
            if (!ENTITY_TYPES.contains(t)) {
                throw new IllegalArgumentException("unknown entity type '" + part.trim() + "'; use all or " + String.join(", ", ENTITY_TYPES));
            }
            if (!out.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** A whole tree with the standard attributes: what {@code fim --path DIR} monitors. */
    public static MonitorSpec tree(String path) {
        return new MonitorSpec("path:" + path, List.of(path), List.of(), FileAttribute.STANDARD, -1, false);
    }

    private static List<String> csv(String s) {
        List<String> out = new ArrayList<>();
        if (s != null) {
            for (String part : s.split(",")) {
                String p = part.trim();
                if (!p.isEmpty()) {
                    out.add(p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p);
                }
            }
        }
        return out;
    }

    /** Where the walk for one include starts: its longest leading part without a wildcard. */
    public static String root(String include) {
        int wild = firstWildcard(include);
        if (wild < 0) {
            return include;
        }
        int slash = include.lastIndexOf('/', wild);
        return slash <= 0 ? "/" : include.substring(0, slash);
    }

    /** The roots of this spec's includes. */
    public List<String> roots() {
        return includes.stream().map(MonitorSpec::root).distinct().toList();
    }

    private static int firstWildcard(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[') {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code path} is one this spec records (included, not excluded, within depth). */
    public boolean records(String path) {
        for (String inc : includes) {
            if (covers(inc, path) && withinDepth(root(inc), path, maxDepth)) {
                return !excluded(path);
            }
        }
        return false;
    }

    /** Whether the walk must enter directory {@code dir} for this spec: something below it may be recorded. */
    public boolean enters(String dir) {
        if (excluded(dir)) {
            return false;
        }
        for (String inc : includes) {
            String root = root(inc);
            if (under(root, dir)) {
                return true;
            }
            if (under(dir, root) && (maxDepth < 0 || depth(root, dir) < maxDepth)) {
                return true;
            }
        }
        return false;
    }

    public boolean excluded(String path) {
        for (String ex : excludes) {
            if (firstWildcard(ex) < 0 ? under(path, ex) : Glob.matches(ex, path)) {
                return true;
            }
        }
        return false;
    }

    private static boolean covers(String include, String path) {
        return firstWildcard(include) < 0 ? under(path, include) : Glob.matches(include, path);
    }

    /** {@code path} is {@code ancestor} or below it. */
    public static boolean under(String path, String ancestor) {
        if (ancestor.equals("/")) {
            return path.startsWith("/");
        }
        return path.equals(ancestor) || path.length() > ancestor.length() && path.startsWith(ancestor) && path.charAt(ancestor.length()) == '/';
    }

    private static boolean withinDepth(String root, String path, int max) {
        return max < 0 || depth(root, path) <= max;
    }

    private static int depth(String root, String path) {
        int d = 0;
        for (int i = root.equals("/") ? 1 : root.length(); i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                d++;
            }
        }
        return root.equals("/") && path.length() > 1 ? d + 1 : d;
    }
}
