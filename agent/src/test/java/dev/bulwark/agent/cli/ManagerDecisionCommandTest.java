package dev.bulwark.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.appcontrol.AdminDecisions;
import dev.bulwark.agent.protocol.Messages;
import dev.bulwark.agent.uplink.ManagedState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manager's approve and block commands: kept in the decisions file enforcement reads; malformed ones fail with a reason. */
class ManagerDecisionCommandTest {
    static final String HASH = "ab".repeat(32);

    @TempDir
    Path dir;

    @Test
    void anApprovalThenABlockAreKeptAndTheLaterWins() throws Exception {
        ManagedState.Outcome approved = ManagerCommands.Run.decide(new Messages.Command(7, "approve", Map.of("sha256", HASH.toUpperCase(), "note", "ticket 42")), dir);
        assertEquals("done", approved.outcome(), approved.message());
        AdminDecisions d = AdminDecisions.load(dir.resolve(AdminDecisions.FILE));
        assertEquals("approved", d.statusOf("/tmp/anything", HASH));
        assertTrue(d.all().getFirst().note().contains("ticket 42") && d.all().getFirst().note().contains("manager command 7"), d.all().toString());

        ManagedState.Outcome blocked = ManagerCommands.Run.decide(new Messages.Command(8, "block", Map.of("sha256", HASH)), dir);
        assertEquals("done", blocked.outcome());
        d = AdminDecisions.load(dir.resolve(AdminDecisions.FILE));
        assertEquals("blocked", d.statusOf("/tmp/anything", HASH));
        assertEquals(1, d.all().size(), "one decision per hash: the newest");

        assertEquals("done", ManagerCommands.Run.decide(new Messages.Command(9, "approve", Map.of("path", "/opt/tool/bin/run")), dir).outcome());
        assertEquals("approved", AdminDecisions.load(dir.resolve(AdminDecisions.FILE)).statusOf("/opt/tool/bin/run", "cd".repeat(32)));
    }

    @Test
    void malformedDecisionsFailWithTheirReasonAndChangeNothing() throws Exception {
        for (Map<String, String> args : java.util.List.of(Map.<String, String>of(), Map.of("sha256", HASH, "path", "/x"), Map.of("sha256", "not-a-hash"),
                Map.of("path", "relative/path"))) {
            ManagedState.Outcome o = ManagerCommands.Run.decide(new Messages.Command(1, "approve", args), dir);
            assertEquals("failed", o.outcome(), args + ": " + o.message());
            assertTrue(!o.message().isBlank());
        }
        assertTrue(Files.notExists(dir.resolve(AdminDecisions.FILE)), "nothing written");
    }
}
