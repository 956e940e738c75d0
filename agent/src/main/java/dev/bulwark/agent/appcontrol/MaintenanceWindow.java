package dev.bulwark.agent.appcontrol;

import dev.bulwark.agent.store.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A maintenance window: until its end (kept in {@code <state>/appcontrol/maintenance-until}, so a
 * restart keeps it), new and changed executables that run are added to the inventory. Read from the
 * file at most once a second, so a window opened by another process is seen.
 */
public final class MaintenanceWindow {
    public static final String FILE = "maintenance-until";

    private final Path file;
    private volatile long until;
    private volatile long readAt;

    public MaintenanceWindow(Path dir) {
        this.file = dir.resolve(FILE);
    }

    public boolean active() {
        long now = System.currentTimeMillis();
        if (now - readAt > 1000) {
            readAt = now;
            try {
                until = Files.exists(file) ? Instant.parse(Files.readString(file).trim()).toEpochMilli() : 0;
            } catch (IOException | RuntimeException e) {
                until = 0;
            }
        }
        return now < until;
    }

    /** Reads the file again at the next {@link #active()}: another process opened or ended a window. */
    public void refresh() {
        readAt = 0;
    }

    public Instant until() {
        active();
        return until == 0 ? null : Instant.ofEpochMilli(until);
    }

    public void open(Duration d) throws IOException {
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, Instant.now().plus(d).toString().getBytes(StandardCharsets.US_ASCII));
        readAt = 0;
    }

    public void end() throws IOException {
        Files.deleteIfExists(file);
        readAt = 0;
    }
}
