package dev.bulwark.agent.integrity;

import dev.bulwark.agent.linux.NativeFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * Expected changes on a Debian-family host: a change is expected when a package manager is running
 * ({@code dpkg}, {@code apt}, {@code rpm}, {@code dnf}, ... in {@code /proc}), when the new content
 * is what an installed package recorded for that path (dpkg's {@code info/*.md5sums}), or while a
 * declared maintenance window is open. The package index is read only when a changed file needs it.
 */
public final class PackageManagerEvidence implements ExpectedChanges {

    private static final Set<String> PACKAGE_MANAGERS = Set.of("dpkg", "apt", "apt-get", "aptitude", "unattended-upgr",
            "rpm", "dnf", "yum", "zypper", "packagekitd");
    private static final long PROCESS_CHECK_NANOS = 1_000_000_000L;

    private final Path dpkgInfo;
    private final Path proc;
    private final Instant maintenanceUntil;
    private final Clock clock;
    private Map<String, String[]> packageDigests;
    private boolean processesChecked;
    private long processCheckedAt;
    private String runningManager;

    /**
     * @param maintenanceUntil end of the open maintenance window, or {@code null}
     */
    public PackageManagerEvidence(Path dpkgInfo, Path proc, Instant maintenanceUntil, Clock clock) {
        this.dpkgInfo = dpkgInfo;
        this.proc = proc;
        this.maintenanceUntil = maintenanceUntil;
        this.clock = clock;
    }

    public static PackageManagerEvidence system(Instant maintenanceUntil) {
        return new PackageManagerEvidence(Path.of("/var/lib/dpkg/info"), Path.of("/proc"), maintenanceUntil, Clock.systemUTC());
    }

    @Override
    public synchronized String explain(FileEntry before, FileEntry after) {
        if (maintenanceUntil != null && clock.instant().isBefore(maintenanceUntil)) {
            return "inside the maintenance window (until " + maintenanceUntil + ")";
        }
        String manager = runningPackageManager();
        if (manager != null) {
            return "made while the package manager ran (" + manager + ")";
        }
        if (after != null && after.stat().isRegular()) {
            String[] recorded = packageDigests().get(after.displayPath());
            if (recorded != null) {
                try (NativeFiles.Hasher md5 = new NativeFiles.Hasher("MD5")) {
                    NativeFiles.Hasher.Digest d = md5.sha256(after.path());
                    if (HexFormat.of().formatHex(d.sha256()).equals(recorded[0])) {
                        return "content matches what package " + recorded[1] + " installed";
                    }
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The name and pid of a running package manager, checked at most once a second. */
    private String runningPackageManager() {
        long now = System.nanoTime();
        if (processesChecked && now - processCheckedAt < PROCESS_CHECK_NANOS) {
            return runningManager;
        }
        processesChecked = true;
        processCheckedAt = now;
        runningManager = null;
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path pid : pids) {
                try {
                    String comm = Files.readString(pid.resolve("comm"), StandardCharsets.UTF_8).trim();
                    if (PACKAGE_MANAGERS.contains(comm)) {
                        runningManager = comm + " pid " + pid.getFileName();
                        break;
                    }
                } catch (IOException e) {
                    // The process ended while we looked.
                }
            }
        } catch (IOException e) {
            // No /proc: no evidence.
        }
        return runningManager;
    }

    /** path → {md5, package}, from every {@code PACKAGE.md5sums} dpkg keeps. */
    private Map<String, String[]> packageDigests() {
        if (packageDigests != null) {
            return packageDigests;
        }
        packageDigests = new HashMap<>();
        if (!Files.isDirectory(dpkgInfo)) {
            return packageDigests;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dpkgInfo, "*.md5sums")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String pkg = name.substring(0, name.length() - ".md5sums".length());
                for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
                    int sep = line.indexOf("  ");
                    if (sep == 32) {
                        String path = new String(("/" + line.substring(34)).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                        packageDigests.put(path, new String[] {line.substring(0, 32), pkg});
                    }
                }
            }
        } catch (IOException e) {
            // A partly read index only makes fewer changes expected.
        }
        return packageDigests;
    }

    /** The files dpkg says package {@code name} installed ({@code info/NAME.list} or {@code NAME:ARCH.list}). */
    public static Set<String> packageFiles(Path dpkgInfo, String name) throws IOException {
        try (DirectoryStream<Path> lists = Files.newDirectoryStream(dpkgInfo, name + "{,:*}.list")) {
            Set<String> out = new java.util.HashSet<>();
            for (Path l : lists) {
                for (String line : Files.readAllLines(l, StandardCharsets.UTF_8)) {
                    if (line.startsWith("/")) {
                        out.add(line);
                    }
                }
            }
            if (out.isEmpty()) {
                throw new IOException("dpkg knows no installed package '" + name + "' (no " + dpkgInfo.resolve(name + ".list") + ")");
            }
            return out;
        }
    }
}
