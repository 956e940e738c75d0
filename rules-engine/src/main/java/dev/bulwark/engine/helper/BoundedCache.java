package dev.bulwark.engine.helper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** A small LRU map, synchronized: helper caches must not grow with hostile input. */
public final class BoundedCache<K, V> {
    private final Map<K, V> map;

    public BoundedCache(int capacity) {
        this.map = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized V get(K key, Function<K, V> compute) {
        V v = map.get(key);
        if (v == null) {
            v = compute.apply(key);
            map.put(key, v);
        }
        return v;
    }
}
