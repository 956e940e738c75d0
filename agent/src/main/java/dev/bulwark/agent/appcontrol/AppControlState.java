package dev.bulwark.agent.appcontrol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the heartbeat tells the manager about application control on this computer: how many
 * executables the inventory holds, how many differ from their package, and the administrators'
 * approvals and blocks. The files are read again only when they change (size or modification
 * time), so a heartbeat costs two {@code stat}s; a damaged file is reported as {@code -1} rather
 * than stopping the heartbeat.
 */
public final class AppControlState {
    /** Reads a file into counters; a damaged file throws. */
    private interface Reader {
        Map<String, Long> read(Path file) throws IOException;
    }

    /** One watched file: its counters, read again when its stamp changes; {@code damaged} stands in for a file that does not read. */
    private static final class Watched {
        private final Path file;
        private final Reader reader;
        private final Map<String, Long> damaged;
        private Object stamp;
        private Map<String, Long> counters = Map.of();

        Watched(Path file, Reader reader, Map<String, Long> damaged) {
            this.file = file;
            this.reader = reader;
            this.damaged = damaged;
        }

        Map<String, Long> counters() {
            Object now = stamp(file);
            if (now == null) {
                stamp = null;
                counters = Map.of();
            } else if (!now.equals(stamp)) {
                stamp = now;
                try {
                    counters = reader.read(file);
                } catch (IOException e) {
                    counters = damaged;
                }
            }
            return counters;
        }
    }

    private final Watched inventory;
    private final Watched decisions;

    public AppControlState(Path dir) {
        inventory = new Watched(dir.resolve(ExecInventory.FILE), f -> {
            ExecInventory loaded = ExecInventory.load(f);
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("appcontrol.inventoryEntries", (long) loaded.size());
            m.put("appcontrol.packageMismatches", loaded.packageMismatches());
            m.put("appcontrol.inventoryBuilt", Files.getLastModifiedTime(f).toMillis() / 1000);
            return m;
        }, Map.of("appcontrol.inventoryEntries", -1L));
        decisions = new Watched(dir.resolve(AdminDecisions.FILE), f -> {
            var all = AdminDecisions.load(f).all();
            return Map.of("appcontrol.approved", all.stream().filter(AdminDecisions.Decision::approve).count(),
                    "appcontrol.blocked", all.stream().filter(d -> !d.approve()).count());
        }, Map.of("appcontrol.approved", -1L));
    }

    public synchronized Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>(inventory.counters());
        out.putAll(decisions.counters());
        return out;
    }

    /** A file's identity and version (size, modification time, file key), or null when it is not there: what tells that it changed. */
    public static Object stamp(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return a.size() + ":" + a.lastModifiedTime().toMillis() + ":" + a.fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
