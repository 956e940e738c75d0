package dev.bulwark.agent.packages;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the package managers say they installed: for each path, the owning package and the digest
 * the package manager recorded. dpkg: {@code /var/lib/dpkg/info/PKG.list} and {@code PKG.md5sums}
 * ({@code PKG:ARCH.*} for multi-arch packages), MD5. rpm: the database is read through the
 * {@code rpm} program ({@code rpm -qa} with each file's digest and the package's digest algorithm,
 * SHA-256 on current rpm, MD5 on old packages), when both an rpm database and the program exist. A
 * path is looked up as the kernel names it and, on a merged-/usr system, under the alias the package
 * may have recorded ({@code /usr/bin/x} listed as {@code /bin/x}). A list that does not read is
 * skipped (its files have no package); this is information, never trust on its own.
 */
public final class PackageFiles {
    /**
     * The package owning a path, and the digest its package manager recorded with the JDK name of its
     * algorithm ({@code MD5}, {@code SHA-256}...); digest and algorithm null when none was recorded
     * (a dpkg conffile, say).
     */
    public record Owned(String packageName, String algorithm, String digest) {
        /** Whether {@code hexDigest} (of this record's algorithm) is what the package manager installed. */
        public boolean matches(String hexDigest) {
            return digest != null && digest.equalsIgnoreCase(hexDigest);
        }
    }

    /** Where the package databases are. {@code rpmProgram} queries {@code rpmDb}; any part may be null (not on this host). */
    public record Source(Path dpkgInfo, Path rpmDb, Path rpmProgram) {
        /** This host's: dpkg's and rpm's usual places. */
        public static Source host() {
            Path rpm = Stream.of("/usr/bin/rpm", "/bin/rpm").map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
            return new Source(Path.of("/var/lib/dpkg/info"), Path.of("/var/lib/rpm"), rpm);
        }

        /** Changes when a package is installed, upgraded or removed: the newest modification time of the databases' directories and files. */
        public long stamp() {
            // dpkg renames list files into its directory; rpm's sqlite or Berkeley DB changes files in place
            return Math.max(newest(dpkgInfo, false), newest(rpmDb, true));
        }

        private static long newest(Path dir, boolean withFiles) {
            if (dir == null || !Files.isDirectory(dir)) {
                return 0;
            }
            try {
                long stamp = Files.getLastModifiedTime(dir).toMillis();
                if (withFiles) {
                    try (Stream<Path> s = Files.list(dir)) {
                        for (Path f : s.toList()) {
                            stamp = Math.max(stamp, Files.getLastModifiedTime(f).toMillis());
                        }
                    }
                }
                return stamp;
            } catch (IOException e) {
                return 0; // vanished while looked at: the next look sees it
            }
        }

        public PackageFiles read() {
            PackageFiles p = new PackageFiles();
            p.readDpkg(dpkgInfo);
            p.readRpm(rpmDb, rpmProgram);
            return p;
        }
    }

    private static final String[][] MERGED = {{"/usr/bin/", "/bin/"}, {"/usr/sbin/", "/sbin/"}, {"/usr/lib/", "/lib/"},
        {"/usr/lib64/", "/lib64/"}, {"/usr/libx32/", "/libx32/"}, {"/usr/lib32/", "/lib32/"}};
    /** rpm's PGPHASHALGO numbers to JDK digest names. */
    private static final Map<String, String> RPM_ALGORITHMS = Map.of("1", "MD5", "2", "SHA-1", "8", "SHA-256", "9", "SHA-384", "10", "SHA-512",
            "(none)", "MD5");

    private final Map<String, Owned> files = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    private PackageFiles() {
    }

    /** An empty database: no package owns anything. */
    public static PackageFiles none() {
        return new PackageFiles();
    }

    /** Reads dpkg's database in {@code info} ({@code /var/lib/dpkg/info}) only; a missing directory is an empty database. */
    public static PackageFiles read(Path info) {
        return new Source(info, null, null).read();
    }

    private void readDpkg(Path info) {
        if (info == null || !Files.isDirectory(info)) {
            return;
        }
        Map<String, String> md5 = new HashMap<>();
        Map<String, String> owners = new HashMap<>();
        try (Stream<Path> s = Files.list(info)) {
            for (Path f : s.toList()) {
                String name = f.getFileName().toString();
                try {
                    if (name.endsWith(".list")) {
                        String pkg = name.substring(0, name.length() - 5);
                        for (String line : lines(f)) {
                            owners.put(line, pkg);
                        }
                    } else if (name.endsWith(".md5sums")) {
                        String pkg = name.substring(0, name.length() - 8);
                        for (String line : lines(f)) {
                            if (line.length() > 34 && line.indexOf("  ") == 32) {
                                String path = "/" + line.substring(34);
                                md5.put(path, line.substring(0, 32));
                                owners.putIfAbsent(path, pkg); // a list is the usual owner record; its sums say as much
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    problems.add("dpkg: " + f + " does not read: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            problems.add("dpkg: " + info + " does not list: " + e.getMessage());
        }
        owners.forEach((path, pkg) -> {
            String d = md5.get(path);
            files.put(path, new Owned(pkg, d == null ? null : "MD5", d));
        });
    }

    /**
     * A dpkg list's lines. Paths are bytes to dpkg: read as Latin-1 (never fails), then each line
     * taken back to its bytes and decoded as UTF-8, the way the kernel's names are; a name that is
     * not UTF-8 cannot match one anyway, and the rest of the list still counts.
     */
    private static List<String> lines(Path f) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
            out.add(new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** {@code rpm -qa} over the database, one line per file: path, digest, algorithm, package. */
    private void readRpm(Path db, Path program) {
        if (db == null || program == null || !Files.isDirectory(db)) {
            return;
        }
        try (Stream<Path> s = Files.list(db)) {
            if (s.noneMatch(f -> f.getFileName().toString().matches("rpmdb\\.sqlite|Packages(\\.db)?"))) {
                return; // an empty directory is not a database
            }
        } catch (IOException e) {
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(program.toString(), "--dbpath", db.toAbsolutePath().toString(), "-qa", "--queryformat",
                "[%{FILENAMES}\\t%{FILEDIGESTS}\\t%{=FILEDIGESTALGO}\\t%{=NAME}\\n]").redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("LC_ALL", "C");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            // a hung rpm must not hang an exec decision: killed after a minute, which ends the read below
            java.util.concurrent.CompletableFuture.delayedExecutor(60, TimeUnit.SECONDS).execute(p::destroyForcibly);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    String[] f = line.split("\t", -1);
                    if (f.length != 4 || !f[0].startsWith("/")) {
                        continue;
                    }
                    String algorithm = RPM_ALGORITHMS.get(f[2]);
                    boolean digested = !f[1].isEmpty() && algorithm != null && f[1].matches("[0-9a-fA-F]{32,128}");
                    files.putIfAbsent(f[0], new Owned(f[3], digested ? algorithm : null, digested ? f[1].toLowerCase(java.util.Locale.ROOT) : null));
                }
            }
            int exit = p.waitFor();
            if (exit != 0) {
                problems.add("rpm: the query of " + db + " exited " + exit + (exit == 137 ? " (killed after 60 s)" : ""));
            }
        } catch (IOException e) {
            problems.add("rpm: cannot run " + program + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The package that installed {@code path} (under the name the kernel gives it or its merged-/usr alias), or null. */
    public Owned owner(String path) {
        Owned o = files.get(path);
        if (o != null) {
            return o;
        }
        for (String[] alias : MERGED) {
            if (path.startsWith(alias[0])) {
                o = files.get(alias[1] + path.substring(alias[0].length()));
                if (o != null) {
                    return o;
                }
            }
        }
        return null;
    }

    /** Paths the databases name (files and directories). */
    public int size() {
        return files.size();
    }

    /** What did not read (a damaged list, an rpm query that failed): reported, the rest stands. */
    public List<String> problems() {
        return List.copyOf(problems);
    }
}
