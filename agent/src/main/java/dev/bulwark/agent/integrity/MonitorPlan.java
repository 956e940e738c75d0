package dev.bulwark.agent.integrity;

import dev.bulwark.engine.integrity.FileAttribute;
import dev.bulwark.engine.integrity.MonitorSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Everything one agent monitors: the union of the {@link MonitorSpec}s of its integrity rules (or
 * of {@code --path} trees), with the walk roots deduplicated and sorted in walk order.
 */
public final class MonitorPlan {

    private final List<MonitorSpec> specs;
    private final List<byte[]> roots;

    public MonitorPlan(List<MonitorSpec> specs) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("nothing to monitor: give --path DIR, or install a knowledge base with integrity rules that carry @monitor");
        }
        this.specs = List.copyOf(specs);
        List<byte[]> all = new ArrayList<>();
        for (MonitorSpec s : specs) {
            for (String r : s.roots()) {
                all.add(RawPaths.of(r));
            }
        }
        all.sort(RawPaths::compare);
        List<byte[]> kept = new ArrayList<>();
        for (byte[] r : all) {
            if (kept.isEmpty() || !MonitorSpec.under(RawPaths.display(r), RawPaths.display(kept.getLast()))) {
                kept.add(r);
            }
        }
        this.roots = List.copyOf(kept);
    }

    /** Topmost walk roots, in walk order, none inside another. */
    public List<byte[]> roots() {
        return roots;
    }

    /** The attributes recorded for {@code path}: the union over the specs that record it; empty when none does. */
    public Set<FileAttribute> attributes(String path) {
        if (specs.size() == 1) {
            MonitorSpec only = specs.getFirst();
            return only.records(path) ? only.attributes() : Set.of();
        }
        Set<FileAttribute> out = null;
        for (MonitorSpec s : specs) {
            if (s.records(path)) {
                if (out == null) {
                    out = EnumSet.noneOf(FileAttribute.class);
                }
                out.addAll(s.attributes());
            }
        }
        return out == null ? Set.of() : out;
    }

    public boolean enters(String dir) {
        for (MonitorSpec s : specs) {
            if (s.enters(dir)) {
                return true;
            }
        }
        return false;
    }

    public boolean follows(String path) {
        for (MonitorSpec s : specs) {
            if (s.followSymlinks() && s.records(path)) {
                return true;
            }
        }
        return false;
    }

    /** The plan as JSON, stored in the baseline's header (see {@link PlanJson}). */
    public String toJson() {
        return PlanJson.write(specs);
    }

    /**
     * The plan a baseline header holds.
     *
     * @throws IllegalArgumentException when the header is not a plan
     */
    public static MonitorPlan fromJson(String json) {
        return new MonitorPlan(PlanJson.read(json));
    }

    /** Where the plans differ, for the message that refuses a check against another plan's baseline. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (MonitorSpec s : specs) {
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append(String.join(",", s.includes()));
            if (!s.excludes().isEmpty()) {
                sb.append(" except ").append(String.join(",", s.excludes()));
            }
        }
        return sb.toString();
    }
}
