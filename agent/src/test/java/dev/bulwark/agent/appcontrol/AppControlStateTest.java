package dev.bulwark.agent.appcontrol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The application-control state the heartbeat carries: read from the agent's own files, again only when they change. */
class AppControlStateTest {
    @TempDir
    Path dir;

    @Test
    void countsTheInventoryAndTheDecisionsAndFollowsTheirChanges() throws Exception {
        AppControlState state = new AppControlState(dir);
        assertTrue(state.counters().isEmpty(), "no inventory, no decision: nothing to say");

        ExecInventory inv = new ExecInventory();
        inv.put(new ExecInventory.Entry("/usr/bin/ls", "a".repeat(64), 10, 0, 0755, "coreutils", false, 1, 2, 3, 4));
        inv.put(new ExecInventory.Entry("/usr/bin/ssh", "b".repeat(64), 20, 0, 0755, "openssh-client", true, 1, 3, 3, 4));
        inv.put(new ExecInventory.Entry("/opt/tool", "c".repeat(64), 30, 0, 0755, null, false, 1, 4, 3, 4));
        inv.save(dir.resolve(ExecInventory.FILE));
        AdminDecisions.record(dir, new AdminDecisions.Decision(true, "hash", "d".repeat(64), "vendor tool"));
        AdminDecisions.record(dir, new AdminDecisions.Decision(false, "path", "/tmp/xmrig", "miner"));
        AdminDecisions.record(dir, new AdminDecisions.Decision(false, "hash", "e".repeat(64), ""));
        Map<String, Long> c = state.counters();
        assertEquals(3L, c.get("appcontrol.inventoryEntries"));
        assertEquals(1L, c.get("appcontrol.packageMismatches"));
        assertEquals(Files.getLastModifiedTime(dir.resolve(ExecInventory.FILE)).toMillis() / 1000, c.get("appcontrol.inventoryBuilt"));
        assertEquals(1L, c.get("appcontrol.approved"));
        assertEquals(2L, c.get("appcontrol.blocked"));

        // a rebuilt inventory is read again; a damaged one is reported, not thrown at the heartbeat
        inv.put(new ExecInventory.Entry("/usr/bin/cat", "f".repeat(64), 40, 0, 0755, "coreutils", false, 1, 5, 3, 4));
        inv.save(dir.resolve(ExecInventory.FILE));
        Files.setLastModifiedTime(dir.resolve(ExecInventory.FILE), FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertEquals(4L, state.counters().get("appcontrol.inventoryEntries"));
        Files.writeString(dir.resolve(ExecInventory.FILE), "damaged\tline\n");
        assertEquals(-1L, state.counters().get("appcontrol.inventoryEntries"));
        Files.delete(dir.resolve(ExecInventory.FILE));
        assertEquals(Map.of("appcontrol.approved", 1L, "appcontrol.blocked", 2L), state.counters());
    }
}
