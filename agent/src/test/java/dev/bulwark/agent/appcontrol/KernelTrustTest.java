package dev.bulwark.agent.appcontrol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.packages.PackageFiles;
import dev.bulwark.engine.Finding;
import dev.bulwark.engine.appcontrol.ExecRequest;
import dev.bulwark.engine.evaluation.LoadedKnowledgeBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trust without a rule evaluation per exec, for real (as root). The kernel-side cache: an allowed executable only root can change is not asked
 * about again (the agent sees its first exec only); writing to it clears the kernel's mark, so the
 * next exec is decided again and, changed, blocked; a file others may write is never trusted in the
 * kernel (the agent's own cache answers it); an invalidation (an admin decision, a maintenance
 * window) drops every mark. Package installs: with {@code trustPackages}, a new executable whose MD5
 * is the one dpkg recorded for its path runs and joins the inventory; one that differs from dpkg's
 * record stays blocked; without it both are blocked, named with their package.
 */
class KernelTrustTest {
    private static final String RULES = """
            rule "block the rest" @id("AC-EXEC-0002") @title("block") @module("appcontrol") @severity("high")
            when EnforcementMode( mode == "block" ) $x: ExecRequest( inventoryStatus == "unknown" || inventoryStatus == "changed" )
            then insert(Verdict.decide(kcontext, Action.BLOCK, $x.inventoryStatus())); end
            rule "allow package installs" @id("AC-EXEC-0009") @title("package") @module("appcontrol") @severity("info")
            when $x: ExecRequest( inventoryStatus == "package" )
            then insert(Verdict.decide(kcontext, Action.ALLOW, "installed by " + $x.packageName())); end
            """;

    @TempDir
    static Path dir;
    static LoadedKnowledgeBase kb;
    static ExecInventory inventory;

    @BeforeAll
    static void setUp() throws Exception {
        EnforcerFixture.assumeRoot();
        kb = EnforcerFixture.rules("trust.drl", RULES);
        for (String name : List.of("tool", "other", "shared")) {
            Path p = Files.copy(Path.of("/bin/true"), dir.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
            Files.write(p, name.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(name.equals("shared") ? "rwxrwxrwx" : "rwxr-xr-x"));
        }
        inventory = new ExecInventory();
        new InventoryBuilder(List.of(), dir.resolve("no-dpkg")).build(List.of(dir.toString()), inventory, 1);
        assertEquals(3, inventory.size());
    }

    private static final ExecEnforcer.Listener QUIET = new ExecEnforcer.Listener() {
        @Override
        public void decided(ExecRequest request, boolean allowed, String ruleId, String reason, List<Finding> findings) {
        }

        @Override
        public void problem(String kind, String detail) {
            throw new AssertionError(kind + ": " + detail);
        }
    };

    @Test
    void executablesAsThePackageManagerInstalledThemAreTrustedWhenThePolicySaysSo() throws Exception {
        Path updated = Files.copy(Path.of("/bin/true"), dir.resolve("updated"), StandardCopyOption.REPLACE_EXISTING);
        Files.write(updated, "v2".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
        Path tampered = Files.copy(Path.of("/bin/true"), dir.resolve("tampered"), StandardCopyOption.REPLACE_EXISTING);
        Files.write(tampered, "evil".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
        for (Path p : List.of(updated, tampered)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path dpkg = Files.createDirectories(dir.resolve("dpkg-info"));
        Files.writeString(dpkg.resolve("tools:amd64.list"), dir + "\n" + updated + "\n" + tampered + "\n");
        String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(Files.readAllBytes(updated)));
        Files.writeString(dpkg.resolve("tools:amd64.md5sums"), md5 + "  " + updated.toString().substring(1) + "\n"
                + "0".repeat(32) + "  " + tampered.toString().substring(1) + "\n");
        ExecInventory inv = new ExecInventory();
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecEnforcer.Listener listener = new ExecEnforcer.Listener() {
            @Override
            public void decided(ExecRequest r, boolean allowed, String ruleId, String reason, List<Finding> findings) {
                seen.add(r.path() + " " + r.inventoryStatus() + " " + r.packageName() + " " + allowed);
            }

            @Override
            public void problem(String kind, String detail) {
            }
        };
        for (boolean trust : List.of(false, true)) {
            try (ExecEnforcer e = ExecEnforcer.start(new ExecEnforcer.Config(List.of(dir.toString()), "block", Duration.ofSeconds(2), false, List.of(), 2,
                    Set.of(), new PackageFiles.Source(dpkg, null, null), trust), kb, inv, AdminDecisions::new, dir.resolve("pkg-inventory.tsv"), new MaintenanceWindow(dir), listener)) {
                assertEquals(trust ? "rc=0" : "", run(updated).replaceAll("(?s).*Operation not permitted.*", ""), "trusted only by policy");
                assertTrue(run(tampered).contains("Operation not permitted"), "content dpkg did not install is not trusted");
            }
        }
        assertTrue(seen.contains(updated + " unknown tools:amd64 false"), seen.toString());
        assertTrue(seen.contains(updated + " package tools:amd64 true"), seen.toString());
        assertTrue(seen.contains(tampered + " unknown tools:amd64 false"), seen.toString());
        assertEquals("tools:amd64", inv.get(updated.toString()).packageName(), "the trusted install joined the inventory");
        assertTrue(Files.readString(dir.resolve("pkg-inventory.tsv")).contains(updated.toString()), "and was saved");
    }

    private static String run(Path program) throws Exception {
        return EnforcerFixture.run(program).output();
    }

    @Test
    void onlyTheFirstExecOfATrustedFileReachesTheAgentUntilItIsWritten() throws Exception {
        try (ExecEnforcer e = ExecEnforcer.start(new ExecEnforcer.Config(List.of(dir.toString()), "block", Duration.ofSeconds(2), false, List.of(), 2,
                Set.of(), null, false), kb, inventory, AdminDecisions::new, dir.resolve("inventory.tsv"), new MaintenanceWindow(dir), QUIET)) {
            Path tool = dir.resolve("tool");
            assertEquals("rc=0", run(tool));
            long end = System.currentTimeMillis() + 2_000;
            while (e.ignoredInKernel() == 0 && System.currentTimeMillis() < end) {
                Thread.sleep(10); // the mark is placed just after the answer: the exec does not wait for it
            }
            for (int i = 1; i < 20; i++) {
                assertEquals("rc=0", run(tool));
            }
            assertEquals(1, e.decided(), "decided once");
            assertEquals(0, e.cacheHits(), "and never asked again: the kernel's mark answers");

            Path shared = dir.resolve("shared");
            for (int i = 0; i < 5; i++) {
                assertEquals("rc=0", run(shared));
            }
            assertEquals(2, e.decided());
            assertEquals(4, e.cacheHits(), "a file others may write is answered by the agent's cache every time, never trusted in the kernel");

            Files.write(tool, new byte[] {9}, StandardOpenOption.APPEND);
            assertTrue(run(tool).contains("Operation not permitted"), "written: the mark is gone, the exec is decided again and the content changed");
            assertEquals(3, e.decided());

            Path other = dir.resolve("other");
            assertEquals("rc=0", run(other));
            assertEquals(4, e.decided());
            end = System.currentTimeMillis() + 2_000;
            while (e.ignoredInKernel() < 2 && System.currentTimeMillis() < end) {
                Thread.sleep(10);
            }
            e.invalidate();
            assertEquals("rc=0", run(other));
            assertEquals(5, e.decided(), "an invalidation drops the kernel's marks too");
        }
    }
}
