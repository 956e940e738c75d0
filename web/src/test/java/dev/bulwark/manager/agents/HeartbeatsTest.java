package dev.bulwark.manager.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import org.junit.jupiter.api.Test;

class HeartbeatsTest {
    @Test
    void theAgentIsToldItsPolicysIntervalUpToTheManagersMaximum() {
        Heartbeats production = new Heartbeats(null, null, Clock.systemUTC(), 3600, 3);
        assertEquals(300, production.interval(300), "a policy's slower heartbeat is honoured");
        assertEquals(5, production.interval(5));
        Heartbeats capped = new Heartbeats(null, null, Clock.systemUTC(), 60, 3);
        assertEquals(60, capped.interval(300));
    }
}
