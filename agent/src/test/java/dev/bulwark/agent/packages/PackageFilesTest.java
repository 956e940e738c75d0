package dev.bulwark.agent.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.appcontrol.ExecInventory;
import dev.bulwark.agent.appcontrol.InventoryBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package databases application control checks executables against: dpkg's lists and MD5s
 * (with the merged-/usr alias), and a real rpm database built here with Debian's {@code rpm} and
 * {@code rpmbuild} (CI installs the {@code rpm} package): the owner and the SHA-256 rpm recorded,
 * and the inventory flagging a file that differs from it.
 */
class PackageFilesTest {
    @TempDir
    Path tmp;

    @Test
    void dpkgListsAndDigestsIncludingTheMergedUsrAlias() throws Exception {
        Path info = Files.createDirectories(tmp.resolve("info"));
        Files.writeString(info.resolve("coreutils.list"), "/bin\n/bin/ls\n/usr/bin/env\n");
        Files.writeString(info.resolve("coreutils.md5sums"), "0123456789abcdef0123456789abcdef  bin/ls\n");
        Files.writeString(info.resolve("base-files:amd64.list"), "/etc/issue\n");
        Files.write(info.resolve("latin.list"), new byte[] {'/', 'o', 'p', 't', '/', (byte) 0xe9, '\n', '/', 'o', 'p', 't', '/', 'b', '\n'});
        Files.writeString(info.resolve("unreadable.list"), "/opt/c\n");
        Files.setPosixFilePermissions(info.resolve("unreadable.list"), java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        PackageFiles p = PackageFiles.read(info);
        PackageFiles.Owned ls = p.owner("/usr/bin/ls");
        assertNotNull(ls, "dpkg recorded /bin/ls; the kernel names it /usr/bin/ls on a merged-/usr system");
        assertEquals("coreutils", ls.packageName());
        assertEquals("MD5", ls.algorithm());
        assertTrue(ls.matches("0123456789ABCDEF0123456789ABCDEF"));
        assertNull(p.owner("/usr/bin/env").digest(), "no MD5 recorded: nothing to compare, never a match");
        assertFalse(p.owner("/usr/bin/env").matches(null));
        assertEquals("base-files:amd64", p.owner("/etc/issue").packageName());
        assertNull(p.owner("/opt/tool"));
        assertEquals("latin", p.owner("/opt/b").packageName(), "a name in a list that is not UTF-8 does not spoil the others");
        if (!"root".equals(System.getProperty("user.name"))) {
            assertEquals(1, p.problems().size(), "the list that does not read is reported: " + p.problems());
        }
        assertEquals(0, PackageFiles.read(tmp.resolve("no-such-dir")).size());
    }

    @Test
    void rpmsDatabaseNamesTheOwnerAndTheDigestTheInventoryChecks() throws Exception {
        Path rpm = Path.of("/usr/bin/rpm");
        Path rpmbuild = Path.of("/usr/bin/rpmbuild");
        Assumptions.assumeTrue(Files.isExecutable(rpm) && Files.isExecutable(rpmbuild), "needs Debian's rpm package (CI installs it)");
        Path target = Files.createDirectories(tmp.resolve("opt/probe"));
        Path payload = Files.copy(Path.of("/bin/true"), tmp.resolve("payload"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.write(payload, "rpm".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
        Path spec = tmp.resolve("probe.spec");
        Files.writeString(spec, String.join("\n",
                "Name: bulwark-rpm-probe", "Version: 1.0", "Release: 1", "Summary: a file for Bulwark's package database test",
                "License: Apache-2.0", "%description", "A file for Bulwark's package database test.",
                "%install", "mkdir -p %{buildroot}" + target, "cp " + payload + " %{buildroot}" + target + "/tool",
                "%files", target + "/tool", ""));
        Path top = tmp.resolve("rpmbuild");
        run(rpmbuild.toString(), "-bb", "--nodeps", "--define", "_topdir " + top, "--define", "debug_package %{nil}",
                "--define", "__spec_install_post %{nil}", "--define", "_build_id_links none", spec.toString());
        Path built;
        try (Stream<Path> s = Files.walk(top.resolve("RPMS"))) {
            built = s.filter(f -> f.toString().endsWith(".rpm")).findFirst().orElseThrow();
        }
        Path db = tmp.resolve("rpmdb");
        run(rpm.toString(), "--dbpath", db.toString(), "--initdb");
        run(rpm.toString(), "--dbpath", db.toString(), "-i", "--justdb", "--nodeps", "--noscripts", "--ignorearch", "--ignoreos", built.toString());
        Path tool = Files.copy(payload, target.resolve("tool"), StandardCopyOption.COPY_ATTRIBUTES);

        PackageFiles.Source source = new PackageFiles.Source(null, db, rpm);
        PackageFiles p = source.read();
        assertTrue(p.problems().isEmpty(), p.problems().toString());
        PackageFiles.Owned owned = p.owner(tool.toString());
        assertNotNull(owned, "rpm's database names the file");
        assertEquals("bulwark-rpm-probe", owned.packageName());
        assertEquals("SHA-256", owned.algorithm());
        assertTrue(owned.matches(sha256(tool)), owned + " vs " + sha256(tool));
        assertTrue(source.stamp() > 0);

        ExecInventory inv = new ExecInventory();
        new InventoryBuilder(List.of(), source).build(List.of(target.toString()), inv, 1);
        assertEquals("bulwark-rpm-probe", inv.get(tool.toString()).packageName());
        assertFalse(inv.get(tool.toString()).packageMismatch(), "as rpm installed it");
        Files.write(tool, new byte[] {1}, StandardOpenOption.APPEND);
        ExecInventory again = new ExecInventory();
        new InventoryBuilder(List.of(), source).build(List.of(target.toString()), again, 1);
        assertTrue(again.get(tool.toString()).packageMismatch(), "differs from rpm's record");
        assertEquals(1, again.packageMismatches());
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    private static void run(String... command) throws Exception {
        List<String> c = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", c) + ":\n" + out);
    }
}
