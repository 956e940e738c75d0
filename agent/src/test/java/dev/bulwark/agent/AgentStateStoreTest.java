package dev.bulwark.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.store.AgentStateStore;
import dev.bulwark.engine.bundle.BundleRejectedException;
import dev.bulwark.engine.bundle.SigningKeys;
import dev.bulwark.engine.build.BundleBuilder;
import dev.bulwark.engine.policy.DrlSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentStateStoreTest {

    static final String DRL = """
            package rules.appcontrol;
            import dev.bulwark.engine.appcontrol.ExecRequest;
            import dev.bulwark.engine.appcontrol.EnforcementMode;
            import dev.bulwark.engine.Verdict;
            import dev.bulwark.engine.Action;
            rule "block unknown" @id("AC-TEST-0001") @title("Block unknown executables") @module("appcontrol") @severity("high")
            when
                EnforcementMode( mode == "block", maintenance == false )
                $x: ExecRequest( inventoryStatus == "unknown" )
            then
                insert(Verdict.decide(kcontext, Action.BLOCK, "not in the inventory: " + $x.path()));
            end
            """;

    static final KeyPair KEY = SigningKeys.generate();
    static byte[] v1;
    static byte[] v2;

    @BeforeAll
    static void build() throws Exception {
        List<DrlSource> src = List.of(new DrlSource("appcontrol/exec.drl", DRL));
        v1 = new BundleBuilder().build(src, Map.of(), 1, KEY).bundle();
        v2 = new BundleBuilder().build(src, Map.of(), 2, KEY).bundle();
    }

    @Test
    void installingRequiresAPinnedKey(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> new AgentStateStore(dir).install(v1));
        assertTrue(e.getMessage().contains("trust pin"), e.getMessage());
    }

    @Test
    void versionFloorSurvivesARestartAndRefusalsChangeNothing(@TempDir Path dir) throws Exception {
        AgentStateStore store = new AgentStateStore(dir);
        store.pinKey(KEY.getPublic(), false);
        store.install(v2);
        byte[] installed = Files.readAllBytes(dir.resolve("kb/current.bkb"));

        AgentStateStore restarted = new AgentStateStore(dir);
        assertEquals(2, restarted.runningVersion());
        BundleRejectedException e = assertThrows(BundleRejectedException.class, () -> restarted.install(v1));
        assertEquals(BundleRejectedException.Reason.ROLLBACK, e.reason());
        assertEquals(2, restarted.runningVersion());
        assertArrayEquals(installed, Files.readAllBytes(dir.resolve("kb/current.bkb")));
        assertEquals(2, restarted.loadCurrent().orElseThrow().version());
    }

    @Test
    void bundleChangedOnDiskIsRefusedAtLoad(@TempDir Path dir) throws Exception {
        AgentStateStore store = new AgentStateStore(dir);
        store.pinKey(KEY.getPublic(), false);
        store.install(v1);
        Files.write(dir.resolve("kb/current.bkb"), v2);
        assertThrows(BundleRejectedException.class, store::loadCurrent, "a bundle swapped on disk does not match the recorded version");
    }

    @Test
    void replacingAPinnedKeyMustBeExplicit(@TempDir Path dir) throws Exception {
        AgentStateStore store = new AgentStateStore(dir);
        store.pinKey(KEY.getPublic(), false);
        KeyPair other = SigningKeys.generate();
        assertThrows(IOException.class, () -> store.pinKey(other.getPublic(), false));
        store.pinKey(other.getPublic(), true);
        assertEquals(SigningKeys.keyId(other.getPublic()), SigningKeys.keyId(store.pinnedKey().orElseThrow()));
        BundleRejectedException e = assertThrows(BundleRejectedException.class, () -> store.install(v1));
        assertEquals(BundleRejectedException.Reason.WRONG_KEY, e.reason());
    }

    @Test
    void corruptVersionFileIsAClearError(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("kb"));
        Files.writeString(dir.resolve("kb/version"), "garbage");
        IOException e = assertThrows(IOException.class, () -> new AgentStateStore(dir).runningVersion());
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }
}
