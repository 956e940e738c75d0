package dev.bulwark.agent.appcontrol;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The admin decisions and the maintenance window of one state directory as other processes change
 * them ({@code bulwark-agent appcontrol approve|block|maintenance}, the manager's commands): the
 * decisions file is read again only when its stamp changes, and the window's opening or closing is
 * noticed. What enforcement polls, from the command line and under {@code run} alike.
 */
public final class DecisionWatch {
    private final Path file;
    private final MaintenanceWindow window;
    private volatile AdminDecisions current = new AdminDecisions();
    private boolean read;
    private Object stamp;
    private boolean maintenance;

    public DecisionWatch(Path dir) {
        this.file = dir.resolve(AdminDecisions.FILE);
        this.window = new MaintenanceWindow(dir);
    }

    /** The decisions last read (none before the first {@link #refresh}). */
    public AdminDecisions current() {
        return current;
    }

    /**
     * Reads again what changed. True when the decisions or the window's state did (cached verdicts
     * are then stale). A file that does not read throws once per change and the previous decisions
     * stay in force.
     */
    public synchronized boolean refresh() throws IOException {
        boolean changed = false;
        window.refresh();
        boolean open = window.active();
        if (open != maintenance) {
            maintenance = open;
            changed = true;
        }
        Object now = AppControlState.stamp(file);
        if (!read || !Objects.equals(now, stamp)) {
            read = true;
            stamp = now;
            current = AdminDecisions.load(file);
            changed = true;
        }
        return changed;
    }
}
