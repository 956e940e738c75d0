package dev.bulwark.agent.integrity;

import dev.bulwark.agent.linux.NativeFiles;
import dev.bulwark.agent.packages.PackageFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;

/**
 * Expected changes: a change is expected when a package manager is running ({@code dpkg},
 * {@code apt}, {@code rpm}, {@code dnf}, ... in {@code /proc}), when the new content is what an
 * installed package recorded for that path ({@link PackageFiles}: dpkg's MD5s, rpm's digests), or
 * while a declared maintenance window is open. The package databases are read only when a changed
 * file needs them.
 */
public final class PackageManagerEvidence implements ExpectedChanges {

    private static final Set<String> PACKAGE_MANAGERS = Set.of("dpkg", "apt", "apt-get", "aptitude", "unattended-upgr",
            "rpm", "dnf", "yum", "zypper", "packagekitd");
    private static final long PROCESS_CHECK_NANOS = 1_000_000_000L;

    private final PackageFiles.Source packageSource;
    private final Path proc;
    private final Instant maintenanceUntil;
    private final Clock clock;
    private PackageFiles packages;
    private boolean processesChecked;
    private long processCheckedAt;
    private String runningManager;

    /**
     * @param maintenanceUntil end of the open maintenance window, or {@code null}
     */
    public PackageManagerEvidence(Path dpkgInfo, Path proc, Instant maintenanceUntil, Clock clock) {
        this(new PackageFiles.Source(dpkgInfo, null, null), proc, maintenanceUntil, clock);
    }

    /** @param packages the package databases to compare new content with */
    public PackageManagerEvidence(PackageFiles.Source packages, Path proc, Instant maintenanceUntil, Clock clock) {
        this.packageSource = packages;
        this.proc = proc;
        this.maintenanceUntil = maintenanceUntil;
        this.clock = clock;
    }

    public static PackageManagerEvidence system(Instant maintenanceUntil) {
        return new PackageManagerEvidence(PackageFiles.Source.host(), Path.of("/proc"), maintenanceUntil, Clock.systemUTC());
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
            if (packages == null) {
                packages = packageSource.read();
            }
            PackageFiles.Owned recorded = packages.owner(after.displayPath());
            if (recorded != null && recorded.digest() != null) {
                try (NativeFiles.Hasher h = new NativeFiles.Hasher(recorded.algorithm())) {
                    if (recorded.matches(HexFormat.of().formatHex(h.sha256(after.path()).sha256()))) {
                        return "content matches what package " + recorded.packageName() + " installed";
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
