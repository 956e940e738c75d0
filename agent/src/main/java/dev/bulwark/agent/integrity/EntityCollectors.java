package dev.bulwark.agent.integrity;

import dev.bulwark.engine.integrity.MonitorSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Reads the system entities integrity monitoring baselines besides files, each from where the
 * system keeps it: installed packages (dpkg's status file), systemd services (unit files, the
 * {@code *.wants} links that enable them, and the running state when systemd answers), listening
 * ports with the owning process ({@code /proc/net/*} and {@code /proc/PID/fd}), users and groups
 * ({@code /etc/passwd}, {@code /etc/shadow} without the hash itself, {@code /etc/group}), loaded
 * kernel modules ({@code /proc/modules}) and crontab entries. Each type maps a key (package name,
 * {@code tcp/0.0.0.0:22}, user name, ...) to its attributes. A source that does not exist on this
 * host gives an empty set.
 */
public final class EntityCollectors {

    /** Every entity type, in the order they are collected and reported. */
    public static final List<String> TYPES = MonitorSpec.ENTITY_TYPES;

    private final Path root;

    /** @param root the file system root to read from ({@code /}; tests give a prepared tree) */
    public EntityCollectors(Path root) {
        this.root = root;
    }

    public Map<String, Map<String, String>> collect(String type) throws IOException {
        return switch (type) {
            case "package" -> packages();
            case "service" -> services();
            case "port" -> ports();
            case "user" -> users();
            case "group" -> groups();
            case "kmod" -> kernelModules();
            case "crontab" -> crontabs();
            default -> throw new IllegalArgumentException("unknown entity type " + type);
        };
    }

    private Path at(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    Map<String, Map<String, String>> packages() throws IOException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        Path status = at("/var/lib/dpkg/status");
        if (!Files.isRegularFile(status)) {
            return out;
        }
        Map<String, String> stanza = new LinkedHashMap<>();
        for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                addPackage(stanza, out);
                stanza.clear();
            } else if (!line.startsWith(" ") && line.indexOf(':') > 0) {
                int c = line.indexOf(':');
                stanza.put(line.substring(0, c), line.substring(c + 1).trim());
            }
        }
        addPackage(stanza, out);
        return out;
    }

    private static void addPackage(Map<String, String> s, Map<String, Map<String, String>> out) {
        String name = s.get("Package");
        String status = s.get("Status");
        if (name == null || status == null || !status.endsWith(" installed")) {
            return;
        }
        String arch = s.getOrDefault("Architecture", "");
        Map<String, String> attrs = new TreeMap<>();
        attrs.put("version", s.getOrDefault("Version", ""));
        attrs.put("architecture", arch);
        attrs.put("status", status);
        out.put(arch.isEmpty() || arch.equals("all") ? name : name + ":" + arch, attrs);
    }

    Map<String, Map<String, String>> services() throws IOException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        // Later directories override earlier ones, as systemd's unit search path does.
        for (String dir : List.of("/lib/systemd/system", "/usr/lib/systemd/system", "/etc/systemd/system")) {
            Path d = at(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (DirectoryStream<Path> units = Files.newDirectoryStream(d, "*.service")) {
                for (Path u : units) {
                    Map<String, String> attrs = new TreeMap<>();
                    attrs.put("unitFile", dir + "/" + u.getFileName());
                    if (Files.isSymbolicLink(u)) {
                        attrs.put("linkTarget", Files.readSymbolicLink(u).toString());
                    }
                    attrs.put("sha256", Files.isRegularFile(u) ? sha256(u) : "");
                    attrs.put("enabled", "false");
                    out.put(u.getFileName().toString(), attrs);
                }
            }
        }
        Path etc = at("/etc/systemd/system");
        if (Files.isDirectory(etc)) {
            try (DirectoryStream<Path> wants = Files.newDirectoryStream(etc, "*.{wants,requires}")) {
                for (Path w : wants) {
                    try (DirectoryStream<Path> links = Files.newDirectoryStream(w, "*.service")) {
                        for (Path l : links) {
                            Map<String, String> attrs = out.computeIfAbsent(l.getFileName().toString(), k -> new TreeMap<>());
                            attrs.put("enabled", "true");
                            attrs.merge("wantedBy", w.getFileName().toString().replaceAll("\\.(wants|requires)$", ""), (a, b) -> a + "," + b);
                        }
                    }
                }
            }
        }
        if (root.equals(Path.of("/"))) {
            for (Map.Entry<String, String> e : runningStates().entrySet()) {
                Map<String, String> attrs = out.get(e.getKey());
                if (attrs != null) {
                    attrs.put("state", e.getValue());
                }
            }
        }
        return out;
    }

    /** unit → "active/running", from systemctl when systemd is PID 1; empty otherwise. */
    private static Map<String, String> runningStates() {
        Map<String, String> out = new HashMap<>();
        try {
            Process p = new ProcessBuilder("systemctl", "list-units", "--type=service", "--all", "--no-legend", "--plain", "--no-pager")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] text = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return out;
            }
            for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(".service")) {
                    out.put(f[0], f[2] + "/" + f[3]);
                }
            }
        } catch (IOException e) {
            // No systemctl: unit files only.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    Map<String, Map<String, String>> ports() throws IOException {
        Map<Long, String> owners = socketOwners();
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (String proto : List.of("tcp", "tcp6", "udp", "udp6")) {
            Path f = at("/proc/net/" + proto);
            if (!Files.isReadable(f)) {
                continue;
            }
            List<String> lines = Files.readAllLines(f, StandardCharsets.US_ASCII);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] c = line.trim().split("\\s+");
                if (c.length < 10) {
                    continue;
                }
                boolean tcp = proto.startsWith("tcp");
                // TCP: LISTEN (0A). UDP: bound and unconnected (07 with no remote address).
                if (tcp ? !c[3].equals("0A") : !(c[3].equals("07") && c[2].matches("0+:0000"))) {
                    continue;
                }
                String local = address(c[1]);
                String key = (tcp ? "tcp" : "udp") + "/" + local;
                Map<String, String> attrs = new TreeMap<>();
                attrs.put("uid", c[7]);
                long inode = Long.parseLong(c[9]);
                attrs.put("process", owners.getOrDefault(inode, ""));
                out.put(key, attrs);
            }
        }
        return out;
    }

    /** {@code 0100007F:0016} → {@code 127.0.0.1:22}; IPv6 in the kernel's word order → {@code [::1]:22}. */
    static String address(String hex) {
        int colon = hex.indexOf(':');
        String ip = hex.substring(0, colon);
        int port = Integer.parseInt(hex.substring(colon + 1), 16);
        byte[] b = new byte[ip.length() / 2];
        for (int word = 0; word < b.length / 4; word++) {
            long v = Long.parseLong(ip.substring(word * 8, word * 8 + 8), 16);
            for (int i = 0; i < 4; i++) {
                b[word * 4 + i] = (byte) (v >> (8 * i));
            }
        }
        try {
            String text = java.net.InetAddress.getByAddress(b).getHostAddress();
            if (b.length == 16) {
                text = "[" + compressV6(text) + "]";
            }
            return text + ":" + port;
        } catch (java.net.UnknownHostException e) {
            return hex;
        }
    }

    private static String compressV6(String full) {
        String s = full.replaceAll("(^|:)0+([0-9a-f])", "$1$2");
        String best = null;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(^|:)(0(:0)+)(:|$)").matcher(s);
        while (m.find()) {
            if (best == null || m.group(2).length() > best.length()) {
                best = m.group(2);
            }
        }
        if (best == null) {
            return s;
        }
        String r = s.replaceFirst("(^|:)" + java.util.regex.Pattern.quote(best) + "(:|$)", "::");
        return r.equals("::") ? r : r.replace(":::", "::");
    }

    /** socket inode → "comm (pid N)", from {@code /proc/PID/fd} links ({@code socket:[INODE]}). */
    private Map<Long, String> socketOwners() {
        Map<Long, String> out = new HashMap<>();
        Path proc = at("/proc");
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path pid : pids) {
                String comm;
                try {
                    comm = Files.readString(pid.resolve("comm"), StandardCharsets.UTF_8).trim();
                } catch (IOException e) {
                    continue;
                }
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(pid.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            String target = Files.readSymbolicLink(fd).toString();
                            if (target.startsWith("socket:[")) {
                                out.putIfAbsent(Long.parseLong(target.substring(8, target.length() - 1)), comm + " (pid " + pid.getFileName() + ")");
                            }
                        } catch (IOException | NumberFormatException e) {
                            // The descriptor closed while we looked.
                        }
                    }
                } catch (IOException e) {
                    // The process ended, or its descriptors are not ours to read.
                }
            }
        } catch (IOException e) {
            // No /proc.
        }
        return out;
    }

    Map<String, Map<String, String>> users() throws IOException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        Path passwd = at("/etc/passwd");
        if (Files.isRegularFile(passwd)) {
            for (String line : Files.readAllLines(passwd, StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length >= 7 && !f[0].isEmpty() && !line.startsWith("#")) {
                    Map<String, String> a = new TreeMap<>();
                    a.put("uid", f[2]);
                    a.put("gid", f[3]);
                    a.put("gecos", f[4]);
                    a.put("home", f[5]);
                    a.put("shell", f[6]);
                    out.put(f[0], a);
                }
            }
        }
        Path shadow = at("/etc/shadow");
        if (Files.isReadable(shadow)) {
            for (String line : Files.readAllLines(shadow, StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length >= 9 && out.containsKey(f[0])) {
                    Map<String, String> a = out.get(f[0]);
                    // Never the hash itself: whether there is one, its scheme, and a digest of it
                    // (a changed password shows as a changed digest).
                    String hash = f[1];
                    a.put("password", hash.isEmpty() ? "none" : hash.startsWith("!") || hash.startsWith("*") ? "locked" : "set");
                    a.put("passwordScheme", hash.startsWith("$") && hash.indexOf('$', 1) > 0 ? hash.substring(1, hash.indexOf('$', 1)) : "");
                    a.put("passwordDigest", hash.isEmpty() ? "" : sha256(hash.getBytes(StandardCharsets.UTF_8)).substring(0, 16));
                    a.put("lastChange", f[2]);
                    a.put("maxDays", f[4]);
                    a.put("expires", f[7]);
                }
            }
        }
        return out;
    }

    Map<String, Map<String, String>> groups() throws IOException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        Path group = at("/etc/group");
        if (Files.isRegularFile(group)) {
            for (String line : Files.readAllLines(group, StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length >= 4 && !f[0].isEmpty() && !line.startsWith("#")) {
                    Map<String, String> a = new TreeMap<>();
                    a.put("gid", f[2]);
                    List<String> members = new ArrayList<>(List.of(f[3].isEmpty() ? new String[0] : f[3].split(",")));
                    members.sort(null);
                    a.put("members", String.join(",", members));
                    out.put(f[0], a);
                }
            }
        }
        return out;
    }

    Map<String, Map<String, String>> kernelModules() throws IOException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        Path modules = at("/proc/modules");
        if (Files.isReadable(modules)) {
            for (String line : Files.readAllLines(modules, StandardCharsets.US_ASCII)) {
                String[] f = line.split(" ");
                if (f.length >= 5) {
                    Map<String, String> a = new TreeMap<>();
                    a.put("size", f[1]);
                    a.put("state", f[4]);
                    a.put("taint", f.length > 6 ? f[6].replaceAll("[()]", "") : "");
                    out.put(f[0], a);
                }
            }
        }
        return out;
    }

    Map<String, Map<String, String>> crontabs() throws IOException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(at("/etc/crontab"))) {
            files.add(at("/etc/crontab"));
        }
        for (String dir : List.of("/etc/cron.d", "/var/spool/cron/crontabs", "/var/spool/cron")) {
            Path d = at(dir);
            if (Files.isDirectory(d)) {
                try (DirectoryStream<Path> s = Files.newDirectoryStream(d, p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))) {
                    s.forEach(files::add);
                }
            }
        }
        for (Path f : files) {
            String file = "/" + root.relativize(f);
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String t = line.trim();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                Map<String, String> a = new TreeMap<>();
                a.put("file", file);
                a.put("entry", t);
                // One entity per entry: an added line is a new entity, an edited one is a delete and a create.
                out.put(file + " " + t, a);
            }
        }
        return out;
    }

    private static String sha256(Path f) throws IOException {
        return sha256(Files.readAllBytes(f));
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
