package dev.bulwark.agent.integrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.integrity.ChangeKind;
import dev.bulwark.engine.integrity.EntityChange;
import dev.bulwark.engine.integrity.MonitorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entities read from a prepared root in the formats the system writes, and compared across snapshots. */
class EntityCollectorsTest {

    @TempDir
    Path root;
    EntityCollectors collectors;

    private void write(String path, String text) throws IOException {
        Path p = root.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @BeforeEach
    void system() throws IOException {
        write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n");
        write("/etc/shadow", "root:$y$j9T$abc$def:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\nalice:$6$salt$hash:19701:0:99999:7:::\n");
        write("/etc/group", "root:x:0:\nsudo:x:27:alice\nadm:x:4:syslog,alice\n");
        write("/var/lib/dpkg/status", """
                Package: openssh-server
                Status: install ok installed
                Architecture: amd64
                Version: 1:9.2p1-2+deb12u3
                Description: secure shell server
                 a continuation line: not a field

                Package: removed-one
                Status: deinstall ok config-files
                Architecture: amd64
                Version: 1.0

                Package: tzdata
                Status: install ok installed
                Architecture: all
                Version: 2024a-0+deb12u1
                """);
        write("/etc/crontab", "# comment\nSHELL=/bin/sh\n17 * * * * root cd / && run-parts --report /etc/cron.hourly\n");
        write("/etc/cron.d/backup", "0 3 * * * root /usr/local/bin/backup\n");
        write("/lib/systemd/system/ssh.service", "[Service]\nExecStart=/usr/sbin/sshd -D\n");
        write("/lib/systemd/system/cron.service", "[Service]\nExecStart=/usr/sbin/cron -f\n");
        Files.createDirectories(root.resolve("etc/systemd/system/multi-user.target.wants"));
        Files.createSymbolicLink(root.resolve("etc/systemd/system/multi-user.target.wants/ssh.service"), Path.of("/lib/systemd/system/ssh.service"));
        write("/proc/net/tcp", """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0 100 0 0 10 0
                   1: 0100007F:0019 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12346 1 0 100 0 0 10 0
                   2: 0F02000A:0016 0101A8C0:D431 01 00000000:00000000 02:000AB4F1 00000000     0        0 12347 2 0 20 4 30 10 -1
                """);
        write("/proc/net/tcp6", """
                  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12348 1 0 100 0 0 10 0
                   1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 12349 1 0 100 0 0 10 0
                """);
        write("/proc/net/udp", """
                   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
                  1: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 2222 2 0 0
                """);
        write("/proc/modules", "ext4 1036288 1 - Live 0x0000000000000000\ndiamorphine 16384 0 - Live 0x0000000000000000 (OE)\n");
        Files.createDirectories(root.resolve("proc/4242/fd"));
        write("/proc/4242/comm", "sshd\n");
        Files.createSymbolicLink(root.resolve("proc/4242/fd/3"), Path.of("socket:[12345]"));
        collectors = new EntityCollectors(root);
    }

    @Test
    void usersCarryShadowFieldsButNeverTheHash() throws IOException {
        Map<String, Map<String, String>> users = collectors.collect("user");
        assertEquals(List.of("alice", "daemon", "root"), List.copyOf(users.keySet()));
        assertEquals("0", users.get("root").get("uid"));
        assertEquals("set", users.get("root").get("password"));
        assertEquals("y", users.get("root").get("passwordScheme"));
        assertEquals("locked", users.get("daemon").get("password"));
        assertEquals(16, users.get("alice").get("passwordDigest").length());
        assertFalse(users.toString().contains("$6$salt$hash"), "the hash itself is never recorded");
    }

    @Test
    void groupsPackagesCrontabsServices() throws IOException {
        assertEquals("alice,syslog", collectors.collect("group").get("adm").get("members"));
        Map<String, Map<String, String>> pkgs = collectors.collect("package");
        assertEquals(List.of("openssh-server:amd64", "tzdata"), List.copyOf(pkgs.keySet()), "only installed packages");
        assertEquals("1:9.2p1-2+deb12u3", pkgs.get("openssh-server:amd64").get("version"));
        Map<String, Map<String, String>> cron = collectors.collect("crontab");
        assertEquals(3, cron.size(), cron.toString());
        assertTrue(cron.containsKey("/etc/crontab SHELL=/bin/sh"), "variables count: a changed PATH or SHELL changes what every job runs");
        assertTrue(cron.containsKey("/etc/cron.d/backup 0 3 * * * root /usr/local/bin/backup"));
        Map<String, Map<String, String>> services = collectors.collect("service");
        assertEquals("true", services.get("ssh.service").get("enabled"));
        assertEquals("multi-user.target", services.get("ssh.service").get("wantedBy"));
        assertEquals("false", services.get("cron.service").get("enabled"));
        assertEquals(64, services.get("cron.service").get("sha256").length());
    }

    @Test
    void listeningPortsWithTheirProcess() throws IOException {
        Map<String, Map<String, String>> ports = collectors.collect("port");
        assertEquals(List.of("tcp/0.0.0.0:22", "tcp/127.0.0.1:25", "tcp/[::1]:8080", "tcp/[::]:22", "udp/127.0.0.53:53"),
                List.copyOf(ports.keySet()), "listening only, not the established connection");
        assertEquals("sshd (pid 4242)", ports.get("tcp/0.0.0.0:22").get("process"));
        assertEquals("1000", ports.get("tcp/[::1]:8080").get("uid"));
    }

    @Test
    void kernelModulesWithTaint() throws IOException {
        assertEquals("OE", collectors.collect("kmod").get("diamorphine").get("taint"));
    }

    @Test
    void snapshotsCompareIntoChangesAndSurviveTheStore() throws IOException {
        List<String> types = MonitorSpec.entityTypes("users,groups,ports");
        EntityBaseline.Snapshot before = EntityBaseline.collect(collectors, types);
        Path file = root.resolve("store/entities.json");
        EntityBaseline.write(file, before);
        assertEquals(before, EntityBaseline.read(file));

        write("/etc/passwd", Files.readString(root.resolve("etc/passwd")) + "toor:x:0:0::/root:/bin/bash\n");
        write("/etc/group", "root:x:0:\nsudo:x:27:alice,mallory\nadm:x:4:syslog,alice\n");
        EntityBaseline.Snapshot after = EntityBaseline.collect(collectors, types);
        List<EntityChange> changes = EntityBaseline.compare(EntityBaseline.read(file), after, null, 1L);
        assertEquals(2, changes.size(), changes.toString());
        EntityChange sudo = changes.stream().filter(c -> c.entityType().equals("group")).findFirst().orElseThrow();
        assertEquals(ChangeKind.MODIFIED, sudo.kind());
        assertEquals("alice,mallory", sudo.after().get("members"));
        EntityChange toor = changes.stream().filter(c -> c.entityType().equals("user")).findFirst().orElseThrow();
        assertEquals(ChangeKind.CREATED, toor.kind());
        assertEquals("0", toor.after().get("uid"));

        EntityBaseline.Snapshot more = EntityBaseline.collect(collectors, MonitorSpec.entityTypes("all"));
        assertEquals(List.of(), EntityBaseline.compare(after, more, null, 1L), "a type not in the old baseline is new coverage, not creations");
    }

    @Test
    void badInputIsNamed() throws IOException {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MonitorSpec.entityTypes("users,printers")).getMessage()
                .contains("unknown entity type 'printers'"));
        Path file = root.resolve("broken.json");
        Files.writeString(file, "{not json");
        assertTrue(assertThrows(BaselineFile.BaselineDamagedException.class, () -> EntityBaseline.read(file)).getMessage().contains("fim baseline"));
    }
}
