package io.imageprune.graph;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A multiset of strings: how many times each key is currently referenced. Keys that drop to zero disappear.
 *
 * <p>Open addressing with linear probing over parallel key and count arrays: the graph holds millions of these
 * entries (every blob of every image, per repository and globally), and boxed map entries would double its heap and
 * its build time. Each slot keeps its key's hash beside it: a probe past another key then compares two ints in the
 * same cache line instead of following that key to its characters (two cache misses a probe on a big table, which
 * profiling showed as the largest single cost of building the graph).
 */
public final class Counts {
    private static final int MIN_CAPACITY = 8;
    private String[] keys;
    private int[] hashes;
    private int[] counts;
    private int size;

    public Counts() {
        this(0);
    }

    /** A multiset that takes {@code expectedKeys} keys without growing. */
    public Counts(int expectedKeys) {
        int capacity = MIN_CAPACITY;
        while (capacity * 3L < expectedKeys * 4L) {
            capacity *= 2;
        }
        keys = new String[capacity];
        hashes = new int[capacity];
        counts = new int[capacity];
    }

    /** Adds {@code delta} to the key's count; returns the new count. */
    public int add(String key, int delta) {
        if (delta == 0) {
            return get(key);
        }
        int hash = hash(key);
        int slot = slot(key, hash);
        if (keys[slot] == null) {
            keys[slot] = key;
            hashes[slot] = hash;
            counts[slot] = delta;
            if (++size * 4 > keys.length * 3) {
                resize(keys.length * 2);
            }
            return delta;
        }
        int count = counts[slot] + delta;
        if (count == 0) {
            delete(slot);
        } else {
            counts[slot] = count;
        }
        return count;
    }

    public int get(String key) {
        int slot = slot(key, hash(key));
        return keys[slot] == null ? 0 : counts[slot];
    }

    public boolean contains(String key) {
        return keys[slot(key, hash(key))] != null;
    }

    public int size() {
        return size;
    }

    /** A copy of the keys with a non-zero count. */
    public Set<String> keys() {
        Set<String> present = new LinkedHashSet<>();
        for (String key : keys) {
            if (key != null) {
                present.add(key);
            }
        }
        return Collections.unmodifiableSet(present);
    }

    private static int hash(String key) {
        int h = key.hashCode();
        return h ^ (h >>> 16);
    }

    /** The key's slot, or the empty slot where it would go. */
    private int slot(String key, int hash) {
        String[] ks = keys;
        int[] hs = hashes;
        int mask = ks.length - 1;
        int slot = hash & mask;
        for (String k = ks[slot]; k != null; k = ks[slot]) {
            if (k == key || hs[slot] == hash && k.equals(key)) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    /** Removes a slot and shifts the following run back, so lookups never need tombstones. */
    private void delete(int slot) {
        int mask = keys.length - 1;
        keys[slot] = null;
        size--;
        int next = (slot + 1) & mask;
        while (keys[next] != null) {
            String key = keys[next];
            int hash = hashes[next];
            int count = counts[next];
            keys[next] = null;
            int target = slot(key, hash);
            keys[target] = key;
            hashes[target] = hash;
            counts[target] = count;
            next = (next + 1) & mask;
        }
        if (keys.length > MIN_CAPACITY && size * 8 < keys.length) {
            resize(keys.length / 2);
        }
    }

    private void resize(int capacity) {
        String[] oldKeys = keys;
        int[] oldHashes = hashes;
        int[] oldCounts = counts;
        keys = new String[capacity];
        hashes = new int[capacity];
        counts = new int[capacity];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                int slot = slot(oldKeys[i], oldHashes[i]);
                keys[slot] = oldKeys[i];
                hashes[slot] = oldHashes[i];
                counts[slot] = oldCounts[i];
            }
        }
    }
}
