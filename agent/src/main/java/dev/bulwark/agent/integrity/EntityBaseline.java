package dev.bulwark.agent.integrity;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.agent.store.AtomicFiles;
import dev.bulwark.engine.integrity.ChangeKind;
import dev.bulwark.engine.integrity.EntityChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The baseline of system entities (packages, services, ports, users, groups, kernel modules,
 * crontab entries): one JSON document in the store, replaced atomically, and the comparison of two
 * snapshots into {@link EntityChange} facts. Small enough (thousands of entities) to hold whole.
 */
public final class EntityBaseline {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int FORMAT = 1;

    /** Entity type → key → attributes. */
    public record Snapshot(List<String> types, Map<String, Map<String, Map<String, String>>> entities) {
        public Snapshot {
            types = List.copyOf(types);
        }
    }

    private EntityBaseline() {
    }

    /** Collects the given types now. */
    public static Snapshot collect(EntityCollectors collectors, List<String> types) throws IOException {
        Map<String, Map<String, Map<String, String>>> out = new LinkedHashMap<>();
        for (String t : types) {
            out.put(t, new TreeMap<>(collectors.collect(t)));
        }
        return new Snapshot(types, out);
    }

    public static void write(Path file, Snapshot s) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", FORMAT);
        doc.put("types", s.types());
        doc.put("entities", s.entities());
        AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
    }

    public static Snapshot read(Path file) throws IOException {
        try {
            Map<String, Object> doc = JSON.readValue(Files.readAllBytes(file), new TypeReference<>() {
            });
            if (!Integer.valueOf(FORMAT).equals(doc.get("format"))) {
                throw new BaselineFile.BaselineDamagedException(file, "format " + doc.get("format") + " (this agent reads " + FORMAT + ")");
            }
            List<String> types = JSON.convertValue(doc.get("types"), new TypeReference<>() {
            });
            Map<String, Map<String, Map<String, String>>> entities = JSON.convertValue(doc.get("entities"), new TypeReference<>() {
            });
            return new Snapshot(types, entities == null ? Map.of() : entities);
        } catch (com.fasterxml.jackson.core.JacksonException | IllegalArgumentException e) {
            throw new BaselineFile.BaselineDamagedException(file, "not a readable entity baseline (" + e.getMessage() + ")");
        }
    }

    /**
     * What changed from {@code before} to {@code after}, type by type in {@code after}'s order and
     * key by key; a type {@code before} did not hold is new coverage, not a flood of creations.
     */
    public static List<EntityChange> compare(Snapshot before, Snapshot after, String expectedBecause, long timestamp) {
        List<EntityChange> out = new ArrayList<>();
        for (String type : after.types()) {
            if (!before.types().contains(type)) {
                continue;
            }
            Map<String, Map<String, String>> b = before.entities().getOrDefault(type, Map.of());
            Map<String, Map<String, String>> a = after.entities().getOrDefault(type, Map.of());
            TreeSet<String> keys = new TreeSet<>(b.keySet());
            keys.addAll(a.keySet());
            for (String key : keys) {
                Map<String, String> x = b.get(key);
                Map<String, String> y = a.get(key);
                ChangeKind kind = x == null ? ChangeKind.CREATED : y == null ? ChangeKind.DELETED : Objects.equals(x, y) ? null : ChangeKind.MODIFIED;
                if (kind != null) {
                    out.add(new EntityChange(type, key, kind, x, y, expectedBecause != null, timestamp));
                }
            }
        }
        return out;
    }
}
