package dev.bulwark.manager.events;

import org.springframework.stereotype.Component;

/**
 * Whether anything listens for {@link EventsStored} right now. Building the announcement costs a
 * host-name lookup and a copy of each batch, so {@link EventStore} builds it only while a listener
 * (syslog forwarding, which can be switched on and off while the manager runs) says it wants it.
 */
@Component
public class StoredEventsDemand {
    private volatile boolean wanted;

    public boolean wanted() {
        return wanted;
    }

    public void want(boolean on) {
        wanted = on;
    }
}
