package dev.bulwark.agent.integrity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Paths real-time events marked for a second look, coalesced: a path marked many times is looked
 * at once, with the widest depth asked for. Turns into the starts and the scope of one partial
 * {@link IntegrityScan} pass.
 */
public final class DirtySet {

    private final TreeMap<byte[], Integer> paths = new TreeMap<>(RawPaths::compare);

    /**
     * Marks {@code path} itself, or with everything below it. Only these two depths: a walk of
     * itself then of a subtree below it stays in walk order, where "its direct entries" would not.
     */
    public void mark(byte[] path, boolean subtree) {
        paths.merge(path, subtree ? -1 : 0, (a, b) -> a < 0 || b < 0 ? -1 : 0);
    }

    public int size() {
        return paths.size();
    }

    public boolean isEmpty() {
        return paths.isEmpty();
    }

    public void clear() {
        paths.clear();
    }

    /** Starts in walk order, without those already inside a whole-subtree start. */
    public List<TreeWalker.Start> starts() {
        List<TreeWalker.Start> out = new ArrayList<>();
        byte[] subtree = null;
        for (var e : paths.entrySet()) {
            if (subtree != null && under(e.getKey(), subtree)) {
                continue;
            }
            out.add(new TreeWalker.Start(e.getKey(), e.getValue()));
            subtree = e.getValue() < 0 ? e.getKey() : null;
        }
        return out;
    }

    /** What {@link #starts()} covers, by display path: the scope of the partial pass. */
    public java.util.function.Predicate<String> scope() {
        Map<String, Integer> byPath = new HashMap<>();
        for (var e : paths.entrySet()) {
            byPath.put(RawPaths.display(e.getKey()), e.getValue());
        }
        return p -> {
            Integer own = byPath.get(p);
            if (own != null) {
                return true;
            }
            for (int i = p.lastIndexOf('/'); i >= 0; i = p.lastIndexOf('/', i - 1)) {
                Integer d = byPath.get(i == 0 ? "/" : p.substring(0, i));
                if (d != null && d < 0) {
                    return true;
                }
                if (i == 0) {
                    break;
                }
            }
            return false;
        };
    }

    private static boolean under(byte[] p, byte[] dir) {
        if (dir.length == 1 && dir[0] == '/') {
            return true;
        }
        return p.length > dir.length && p[dir.length] == '/' && java.util.Arrays.equals(p, 0, dir.length, dir, 0, dir.length);
    }
}
