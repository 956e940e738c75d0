package dev.bulwark.agent.integrity;

import static dev.bulwark.agent.integrity.FimTrees.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.engine.integrity.ChangeKind;
import dev.bulwark.engine.integrity.FileChange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real files in temporary trees: every kind of change is reported once, with the right before and after. */
class IntegrityScanTest {

    @TempDir
    Path tmp;
    Path tree;
    Path store;
    MonitorPlan plan;

    @BeforeEach
    void tree() throws IOException {
        tree = Files.createDirectories(tmp.resolve("tree"));
        store = Files.createDirectories(tmp.resolve("store"));
        Files.createDirectories(tree.resolve("etc/conf.d"));
        Files.createDirectories(tree.resolve("bin"));
        Files.writeString(tree.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
        Files.writeString(tree.resolve("etc/conf.d/app.conf"), "a=1\n");
        Files.writeString(tree.resolve("bin/tool"), "#!/bin/sh\necho tool\n");
        Files.createSymbolicLink(tree.resolve("bin/current"), Path.of("tool"));
        plan = FimTrees.plan(tree);
    }

    /** Baseline, then the change, then two checks: the first reports exactly one change, the second none. */
    private FileChange only(Runnable change) throws IOException {
        FimTrees.baseline(plan, store);
        change.run();
        FimTrees.Outcome first = FimTrees.check(plan, store);
        List<FileChange> files = first.changes().stream().map(IntegrityScan.Change::fact)
                .filter(c -> c.before() == null || !c.before().type().equals("directory")).toList();
        assertEquals(1, files.size(), "one change expected, got " + files);
        FimTrees.Outcome second = FimTrees.check(plan, store);
        assertEquals(List.of(), second.changes().stream().map(IntegrityScan.Change::fact).toList(), "reported once, not again");
        return files.getFirst();
    }

    private static void io(IoAction a) {
        try {
            a.run();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    interface IoAction {
        void run() throws Exception;
    }

    @Test
    void anUnchangedTreeReportsNothingAndIsNotReadAgain() throws IOException {
        FimTrees.Outcome base = FimTrees.baseline(plan, store);
        assertEquals(3, base.summary().hashed());
        FimTrees.Outcome check = FimTrees.check(plan, store);
        assertEquals(List.of(), check.changes());
        assertEquals(0, check.summary().hashed(), "nothing re-hashed when inode, size, mtime and ctime are unchanged");
        assertEquals(3, check.summary().hashesReused());
        assertEquals(base.summary().entries(), check.summary().entries());
    }

    @Test
    void contentChangeWithSameSizeAndRestoredMtimeIsFound() throws IOException {
        Path f = tree.resolve("etc/passwd");
        FileTime mtime = Files.getLastModifiedTime(f);
        FileChange c = only(() -> io(() -> {
            Files.writeString(f, "evil:x:0:0::/root:/bin/sh\n");
            Files.setLastModifiedTime(f, mtime);
        }));
        assertEquals(ChangeKind.MODIFIED, c.kind());
        assertEquals(f.toString(), c.path());
        assertTrue(c.changed("sha256"), c.changedAttributes().toString());
        assertTrue(c.changed("ctime"));
        assertTrue(!c.changed("mtime") && !c.changed("size"), c.changedAttributes().toString());
        assertTrue(!c.before().sha256().equals(c.after().sha256()));
    }

    @Test
    void modeChange() throws IOException {
        Path f = tree.resolve("bin/tool");
        io(() -> assertEquals(0, sh("chmod 0644 '" + f + "'")));
        FileChange c = only(() -> io(() -> assertEquals(0, sh("chmod 4755 '" + f + "'"))));
        assertEquals(List.of("mode", "ctime"), c.changedAttributes());
        assertEquals(0644, c.before().mode());
        assertEquals(04755, c.after().mode());
    }

    @Test
    void ownerChange() throws IOException {
        assumeTrue(FimTrees.root(), "chown needs root");
        Path f = tree.resolve("etc/passwd");
        FileChange c = only(() -> io(() -> Files.setOwner(f, f.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"))));
        assertTrue(c.changed("uid") && c.changed("owner"), c.changedAttributes().toString());
        assertEquals("root", c.before().owner());
        assertEquals("nobody", c.after().owner());
        assertEquals(65534, c.after().uid());
    }

    @Test
    void renameIsOneChangeWithBothPaths() throws IOException {
        Path from = tree.resolve("etc/conf.d/app.conf");
        Path to = tree.resolve("bin/app.conf");
        FileChange c = only(() -> io(() -> Files.move(from, to)));
        assertEquals(ChangeKind.RENAMED, c.kind());
        assertEquals(to.toString(), c.path());
        assertEquals(from.toString(), c.before().path());
        assertEquals(c.before().sha256(), c.after().sha256());
        assertEquals("path", c.changedAttributes().getFirst());
    }

    @Test
    void deleteAndCreate() throws IOException {
        FileChange deleted = only(() -> io(() -> Files.delete(tree.resolve("etc/conf.d/app.conf"))));
        assertEquals(ChangeKind.DELETED, deleted.kind());
        assertNull(deleted.after());
        assertNotNull(deleted.before().sha256());
        FileChange created = only(() -> io(() -> Files.writeString(tree.resolve("etc/conf.d/new.conf"), "b=2\n")));
        assertEquals(ChangeKind.CREATED, created.kind());
        assertNull(created.before());
        assertEquals(HexFormat.of().formatHex(sha256("b=2\n")), created.after().sha256());
    }

    @Test
    void symlinkRetarget() throws IOException {
        Path link = tree.resolve("bin/current");
        FimTrees.baseline(plan, store);
        io(() -> {
            Files.delete(link);
            Files.createSymbolicLink(link, Path.of("/etc/shadow"));
        });
        List<FileChange> changes = FimTrees.check(plan, store).changes().stream().map(IntegrityScan.Change::fact)
                .filter(c -> c.path().equals(link.toString())).toList();
        assertEquals(1, changes.size(), changes.toString());
        FileChange c = changes.getFirst();
        assertEquals(ChangeKind.MODIFIED, c.kind());
        assertTrue(c.changed("target"), c.changedAttributes().toString());
        assertEquals("tool", c.before().linkTarget());
        assertEquals("/etc/shadow", c.after().linkTarget());
        assertEquals("symlink", c.after().type());
    }

    @Test
    void hardLinkIsANewEntryAndALinkCountChange() throws IOException {
        FimTrees.baseline(plan, store);
        io(() -> Files.createLink(tree.resolve("etc/hidden"), tree.resolve("bin/tool")));
        List<FileChange> changes = FimTrees.check(plan, store).changes().stream().map(IntegrityScan.Change::fact)
                .filter(c -> !c.after().type().equals("directory")).toList();
        assertEquals(2, changes.size(), changes.toString());
        FileChange tool = changes.stream().filter(c -> c.path().endsWith("bin/tool")).findFirst().orElseThrow();
        assertTrue(tool.changed("links"));
        assertEquals(1, tool.before().linkCount());
        assertEquals(2, tool.after().linkCount());
        FileChange hidden = changes.stream().filter(c -> c.path().endsWith("etc/hidden")).findFirst().orElseThrow();
        assertEquals(ChangeKind.CREATED, hidden.kind());
        assertEquals(tool.after().inode(), hidden.after().inode());
    }

    @Test
    void extendedAttribute() throws IOException {
        Path f = tree.resolve("bin/tool");
        FileChange c = only(() -> io(() -> Files.getFileAttributeView(f, UserDefinedFileAttributeView.class)
                .write("marker", ByteBuffer.wrap("x".getBytes(StandardCharsets.UTF_8)))));
        assertTrue(c.changed("xattrs"), c.changedAttributes().toString());
        assertEquals("x", c.after().xattrs().get("user.marker"));
        assertTrue(c.before().xattrs().isEmpty());
    }

    @Test
    void posixAcl() throws Exception {
        assumeTrue(sh("command -v setfacl >/dev/null") == 0, "setfacl (Debian package acl) is not installed");
        Path f = tree.resolve("etc/passwd");
        FileChange c = only(() -> io(() -> assertEquals(0, sh("setfacl -m u:1234:rw '" + f + "'"))));
        assertTrue(c.changed("acl"), c.changedAttributes().toString());
        assertNull(c.before().acl());
        assertTrue(c.after().acl().contains("user:1234:rw-"), c.after().acl());
    }

    @Test
    void namesWithNewlinesAndInvalidUtf8AreReportedExactly() throws Exception {
        assertEquals(0, sh("cd '" + tree + "' && printf x > \"$(printf 'bad\\377name')\" && printf y > \"$(printf 'new\\nline')\""
                + " && printf z > 'back\\slash' && printf w > 'café'"));
        FimTrees.baseline(plan, store);
        assertEquals(0, sh("cd '" + tree + "' && printf xx > \"$(printf 'bad\\377name')\" && printf yy > \"$(printf 'new\\nline')\""
                + " && printf zz > 'back\\slash' && printf ww > 'café'"));
        List<String> paths = FimTrees.check(plan, store).changes().stream().map(c -> c.fact().path())
                .filter(p -> !p.equals(tree.toString())).sorted().toList();
        assertEquals(List.of(tree + "/back\\\\slash", tree + "/bad\\xffname", tree + "/café", tree + "/new\\nline"), paths);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void fifosAndDevicesAreRecordedButNeverOpened() throws Exception {
        assertEquals(0, sh("mkfifo '" + tree.resolve("bin/pipe") + "'"));
        if (FimTrees.root()) {
            assertEquals(0, sh("mknod '" + tree.resolve("bin/null") + "' c 1 3"));
        }
        FimTrees.baseline(plan, store);
        FimTrees.Outcome check = FimTrees.check(plan, store);
        assertEquals(List.of(), check.changes());
        try (BaselineFile.Reader r = new BaselineFile.Reader(store.resolve("baseline.fim"))) {
            for (FileEntry e = r.next(); e != null; e = r.next()) {
                if (e.displayPath().endsWith("/pipe")) {
                    assertEquals("fifo", e.type());
                    assertNull(e.sha256());
                }
                if (e.displayPath().endsWith("/null")) {
                    assertEquals("char", e.type());
                    assertNull(e.sha256());
                }
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void symlinkLoopsEndWhenLinksAreFollowed() throws Exception {
        Files.createSymbolicLink(tree.resolve("etc/conf.d/loop"), Path.of(".."));
        Files.createSymbolicLink(tree.resolve("etc/self"), Path.of("self"));
        MonitorPlan following = FimTrees.plan(FimTrees.spec(tree, "STANDARD", true));
        FimTrees.Outcome base = FimTrees.pass(following, store, false, true, ExpectedChanges.NONE);
        assertTrue(base.warnings().stream().anyMatch(w -> w.contains("symlink loop")), base.warnings().toString());
        assertTrue(base.summary().entries() < 50, "walked " + base.summary().entries());
        assertEquals(List.of(), FimTrees.pass(following, store, true, true, ExpectedChanges.NONE).changes());
    }

    @Test
    void aChangeMadeDuringAScanIsNotLost() throws Exception {
        for (int i = 0; i < 6000; i++) {
            Files.writeString(tree.resolve("bin/f" + i), "v1 " + i);
        }
        Path early = tree.resolve("bin/current");
        Path first = tree.resolve("bin/f0");
        FimTrees.baseline(plan, store);
        Files.writeString(first, "v2 0");
        // Change f0 again once the check has passed it: the check reports the first change and
        // records f0's stat from before the second; the next check must still see the second.
        List<IntegrityScan.Change> seen = new java.util.ArrayList<>();
        try (BaselineFile.Reader old = new BaselineFile.Reader(store.resolve("baseline.fim"));
             BaselineFile.Writer out = new BaselineFile.Writer(store.resolve("baseline.fim"), plan.toJson())) {
            new IntegrityScan(plan, 2, ExpectedChanges.NONE).run(old, plan, out, p -> true, new IntegrityScan.Listener() {
                boolean changedAgain;

                @Override
                public void change(IntegrityScan.Change change) {
                    seen.add(change);
                }

                @Override
                public void progress(long entries, long bytesHashed) {
                    if (!changedAgain) {
                        changedAgain = true;
                        io(() -> Files.writeString(first, "v3 0"));
                    }
                }
            });
            out.commit();
        }
        assertTrue(seen.stream().anyMatch(c -> c.fact().path().equals(first.toString())), "first change reported");
        List<FileChange> next = FimTrees.check(plan, store).changes().stream().map(IntegrityScan.Change::fact)
                .filter(c -> c.path().equals(first.toString())).toList();
        assertEquals(1, next.size(), "the change made during the scan shows up in the next one");
        assertEquals(HexFormat.of().formatHex(sha256("v3 0")), next.getFirst().after().sha256());
        assertTrue(Files.exists(early));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void filesVanishingAndAppearingDuringAScanDoNotBreakIt() throws Exception {
        for (int i = 0; i < 4000; i++) {
            Files.writeString(tree.resolve("bin/v" + i), "x".repeat(i % 100));
        }
        FimTrees.baseline(plan, store);
        Thread churn = Thread.ofPlatform().start(() -> {
            for (int round = 0; round < 20 && !Thread.currentThread().isInterrupted(); round++) {
                for (int i = 0; i < 4000; i += 7) {
                    io(() -> {
                        Path p = tree.resolve("bin/v" + (int) (Math.random() * 4000));
                        if (!Files.deleteIfExists(p)) {
                            Files.writeString(p, "back");
                        }
                    });
                }
            }
        });
        FimTrees.Outcome during = FimTrees.check(plan, store);
        churn.join();
        assertTrue(during.summary().entries() > 0);
        // Whatever the race showed, the next pass reconciles the baseline with what is there now.
        FimTrees.check(plan, store);
        assertEquals(List.of(), FimTrees.check(plan, store).changes());
    }

    @Test
    void aDamagedBaselineIsRefusedNotHalfUsed() throws IOException {
        FimTrees.baseline(plan, store);
        Path f = store.resolve("baseline.fim");
        byte[] b = Files.readAllBytes(f);
        b[b.length / 2] ^= 1;
        Files.write(f, b);
        var e = assertThrows(BaselineFile.BaselineDamagedException.class, () -> new BaselineFile.Reader(f));
        assertTrue(e.getMessage().contains("fim baseline"), e.getMessage());
        Files.write(f, java.util.Arrays.copyOf(b, 40));
        assertThrows(BaselineFile.BaselineDamagedException.class, () -> new BaselineFile.Reader(f));
    }

    @Test
    void aFailedPassLeavesTheOldBaseline() throws IOException {
        FimTrees.baseline(plan, store);
        Path f = store.resolve("baseline.fim");
        byte[] before = Files.readAllBytes(f);
        Files.writeString(tree.resolve("etc/passwd"), "changed");
        try (BaselineFile.Reader old = new BaselineFile.Reader(f);
             BaselineFile.Writer out = new BaselineFile.Writer(f, plan.toJson())) {
            assertThrows(IllegalStateException.class, () -> new IntegrityScan(plan, 2, ExpectedChanges.NONE).run(old, plan, out, p -> true, c -> {
                throw new IllegalStateException("killed mid-scan");
            }));
        }
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(f)), "old baseline untouched");
        try (var list = Files.list(store)) {
            assertEquals(List.of(f), list.toList(), "no temporary file left behind");
        }
    }

    @Test
    void newlyCoveredTreesJoinSilentlyAndDroppedOnesLeaveSilently() throws IOException {
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("x"), "x");
        FimTrees.baseline(plan, store);
        MonitorPlan both = FimTrees.plan(tree, other);
        assertEquals(List.of(), FimTrees.check(both, store).changes());
        Files.writeString(other.resolve("x"), "y");
        assertEquals(1, FimTrees.check(both, store).changes().size());
        assertEquals(List.of(), FimTrees.check(FimTrees.plan(other), store).changes());
    }

    @Test
    void attributeSelectionLimitsWhatIsCompared() throws IOException {
        MonitorPlan growing = FimTrees.plan(FimTrees.spec(tree, "GROWING", false));
        FimTrees.pass(growing, store, false, true, ExpectedChanges.NONE);
        Files.writeString(tree.resolve("etc/passwd"), "more lines\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(List.of(), FimTrees.pass(growing, store, true, true, ExpectedChanges.NONE).changes(), "a growing file is not a change");
        Files.setPosixFilePermissions(tree.resolve("etc/passwd"), PosixFilePermissions.fromString("rw-rw-rw-"));
        var changes = FimTrees.pass(growing, store, true, true, ExpectedChanges.NONE).changes();
        assertEquals(1, changes.size());
        assertEquals(List.of("mode"), changes.getFirst().fact().changedAttributes());
    }

    @Test
    void packageContentAndMaintenanceWindowsMakeChangesExpected() throws IOException {
        Path f = tree.resolve("bin/tool");
        Path dpkg = Files.createDirectories(tmp.resolve("dpkg-info"));
        String md5 = HexFormat.of().formatHex(md5("#!/bin/sh\necho tool v2\n"));
        Files.writeString(dpkg.resolve("tool.md5sums"), md5 + "  " + f.toString().substring(1) + "\n");
        Path noProc = Files.createDirectories(tmp.resolve("proc"));
        FimTrees.baseline(plan, store);
        Files.writeString(f, "#!/bin/sh\necho tool v2\n");
        Files.writeString(tree.resolve("etc/passwd"), "edited by hand\n");
        var changes = FimTrees.pass(plan, store, true, true, new PackageManagerEvidence(dpkg, noProc, null, Clock.systemUTC())).changes();
        var tool = changes.stream().filter(c -> c.fact().path().equals(f.toString())).findFirst().orElseThrow();
        assertTrue(tool.fact().expected());
        assertEquals("content matches what package tool installed", tool.expectedBecause());
        var passwd = changes.stream().filter(c -> c.fact().path().endsWith("etc/passwd")).findFirst().orElseThrow();
        assertTrue(!passwd.fact().expected());

        Files.writeString(tree.resolve("etc/passwd"), "during the window\n");
        var window = new PackageManagerEvidence(dpkg, noProc, Instant.now().plusSeconds(3600), Clock.systemUTC());
        var inWindow = FimTrees.pass(plan, store, true, true, window).changes().stream()
                .filter(c -> c.fact().path().endsWith("etc/passwd")).findFirst().orElseThrow();
        assertTrue(inWindow.fact().expected());
        assertTrue(inWindow.expectedBecause().startsWith("inside the maintenance window"));
    }

    @Test
    void aRunningPackageManagerMakesChangesExpected() throws IOException {
        Path proc = Files.createDirectories(tmp.resolve("proc/4242"));
        Files.writeString(proc.resolve("comm"), "dpkg\n");
        FimTrees.baseline(plan, store);
        Files.writeString(tree.resolve("bin/tool"), "upgraded");
        var changes = FimTrees.pass(plan, store, true, true,
                new PackageManagerEvidence(tmp.resolve("none"), tmp.resolve("proc"), null, Clock.systemUTC())).changes();
        var tool = changes.stream().filter(c -> c.fact().path().endsWith("bin/tool")).findFirst().orElseThrow();
        assertEquals("made while the package manager ran (dpkg pid 4242)", tool.expectedBecause());
    }

    @Test
    void walkOrderIsTheBaselineOrder() throws IOException {
        Files.createDirectories(tree.resolve("a"));
        Files.writeString(tree.resolve("a/x"), "1");
        Files.writeString(tree.resolve("a.b"), "2");
        Files.writeString(tree.resolve("a-c"), "3");
        FimTrees.baseline(plan, store);
        try (BaselineFile.Reader r = new BaselineFile.Reader(store.resolve("baseline.fim"))) {
            byte[] last = null;
            for (FileEntry e = r.next(); e != null; e = r.next()) {
                if (last != null) {
                    assertTrue(RawPaths.compare(last, e.path()) < 0);
                }
                last = e.path();
            }
        }
        assertEquals(List.of(), FimTrees.check(plan, store).changes());
    }

    private static byte[] sha256(String s) {
        return digest("SHA-256", s);
    }

    private static byte[] md5(String s) {
        return digest("MD5", s);
    }

    private static byte[] digest(String alg, String s) {
        try {
            return java.security.MessageDigest.getInstance(alg).digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
