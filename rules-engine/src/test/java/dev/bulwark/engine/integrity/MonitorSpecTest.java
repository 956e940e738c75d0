package dev.bulwark.engine.integrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MonitorSpecTest {

    private static MonitorSpec spec(String monitor, String exclude, String depth) {
        return MonitorSpec.fromAnnotations("IM-T-0001", exclude == null && depth == null ? Map.of("monitor", "\"" + monitor + "\"")
                : depth == null ? Map.of("monitor", monitor, "exclude", exclude)
                : Map.of("monitor", monitor, "depth", depth)).orElseThrow();
    }

    @Test
    void rootsAreTheLiteralPrefixOfEachGlob() {
        assertEquals("/usr/lib", MonitorSpec.root("/usr/lib/**/*.so*"));
        assertEquals("/home", MonitorSpec.root("/home/*/.ssh"));
        assertEquals("/etc/shadow", MonitorSpec.root("/etc/shadow"));
        assertEquals("/", MonitorSpec.root("/*.conf"));
    }

    @Test
    void aPlainPathCoversItselfAndEverythingBelow() {
        MonitorSpec s = spec("/etc/ssh", null, null);
        assertTrue(s.records("/etc/ssh"));
        assertTrue(s.records("/etc/ssh/sshd_config.d/x.conf"));
        assertFalse(s.records("/etc/sshd"));
        assertFalse(s.records("/etc"));
        assertTrue(s.enters("/etc"), "the walk passes through ancestors of a root");
        assertFalse(s.enters("/usr"));
    }

    @Test
    void globsExcludesAndDepth() {
        MonitorSpec s = spec("/home/*/.ssh", "/home/*/.ssh/known_hosts*", null);
        assertTrue(s.records("/home/alice/.ssh"));
        assertFalse(s.records("/home/alice/.ssh/authorized_keys"), "* does not cross a slash");
        MonitorSpec deep = spec("/home/*/.ssh/**", "/home/*/.ssh/known_hosts*", null);
        assertTrue(deep.records("/home/alice/.ssh/authorized_keys"));
        assertFalse(deep.records("/home/alice/.ssh/known_hosts"));
        MonitorSpec shallow = spec("/etc", null, "1");
        assertTrue(shallow.records("/etc/passwd"));
        assertFalse(shallow.records("/etc/ssh/sshd_config"));
        assertTrue(shallow.enters("/etc"));
        assertFalse(shallow.enters("/etc/ssh"));
    }

    @Test
    void badSpecsAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> spec("etc", null, null)).getMessage().contains("not absolute"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> spec("/etc/../root", null, null)).getMessage().contains("'..'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> spec("/etc", null, "deep")).getMessage().contains("@depth"));
        assertTrue(MonitorSpec.fromAnnotations("x", Map.of()).isEmpty());
    }

    @Test
    void attributeGroupsAndRemovals() {
        assertEquals(FileAttribute.STANDARD, FileAttribute.parse("standard"));
        assertEquals(EnumSet.of(FileAttribute.SHA256, FileAttribute.MODE), FileAttribute.parse("sha256, MODE"));
        Set<FileAttribute> noXattrs = FileAttribute.parse("STANDARD,-xattrs,-acl");
        assertFalse(noXattrs.contains(FileAttribute.XATTRS));
        assertTrue(noXattrs.contains(FileAttribute.SHA256));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FileAttribute.parse("sha1")).getMessage().contains("unknown attribute 'sha1'"));
        assertThrows(IllegalArgumentException.class, () -> FileAttribute.parse("-sha256"));
        assertEquals(List.of("sha256"), List.of(FileAttribute.SHA256.key()));
    }
}
