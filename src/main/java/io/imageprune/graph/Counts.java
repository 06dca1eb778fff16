package io.imageprune.graph;

import java.util.HashMap;
import java.util.Map;

/** A multiset of strings: how many times each key is currently referenced. Keys that drop to zero disappear. */
public final class Counts {
    private final Map<String, Integer> counts = new HashMap<>();

    public void add(String key, int delta) {
        if (delta != 0) {
            counts.merge(key, delta, (a, b) -> a + b == 0 ? null : a + b);
        }
    }

    public int get(String key) {
        Integer n = counts.get(key);
        return n == null ? 0 : n;
    }

    public boolean contains(String key) {
        return counts.containsKey(key);
    }

    public int size() {
        return counts.size();
    }

    public java.util.Set<String> keys() {
        return java.util.Collections.unmodifiableSet(counts.keySet());
    }
}
