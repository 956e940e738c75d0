package dev.bulwark.engine.helper;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A bounded memo for compiled patterns: lock-free reads (rules call helpers on every event, from any
 * thread); when it is full it is emptied and refilled, so hostile input cannot grow it. Patterns in a
 * ruleset are few and fixed, so in practice it fills once.
 */
public final class BoundedCache<K, V> {
    private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();
    private final int capacity;

    public BoundedCache(int capacity) {
        this.capacity = capacity;
    }

    public V get(K key, Function<K, V> compute) {
        V v = map.get(key);
        if (v != null) {
            return v;
        }
        v = compute.apply(key);
        if (map.size() >= capacity) {
            map.clear();
        }
        map.put(key, v);
        return v;
    }
}
