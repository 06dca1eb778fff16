package io.imageprune.snapshot;

import io.imageprune.model.Layer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Load-local intern tables (open addressing, linear probing) that look ASCII text up straight from the scanner's byte
 * buffer, so that a string seen before costs no allocation and each distinct value is one String object; a layer
 * table interns {@link Layer}s by digest. Canonical sha256 digests go to a {@link DigestTable}; everything else to a
 * generic table whose hashes agree with {@link String#hashCode()}, so byte and String look-ups meet. Not thread-safe.
 */
final class Interner {
    private final boolean layerTable;
    private final DigestTable digests;
    /** Per slot: the hash and the value's index + 1 (0 = empty). */
    private int[] hashes;
    private int[] refs;
    private int mask;
    private final ValueList values = new ValueList();
    /** The Latin-1 bytes of each generic key, by value index, for comparisons straight against the input bytes. */
    private final ValueList keyBytes = new ValueList();

    Interner(int capacity, boolean layerTable) {
        this.layerTable = layerTable;
        this.digests = new DigestTable(capacity, layerTable);
        allocate(Integer.highestOneBit(Math.max(16, capacity / 4) - 1) << 1);
    }

    private void allocate(int cap) {
        hashes = new int[cap];
        refs = new int[cap];
        mask = cap - 1;
    }

    int size() {
        return values.size() + digests.size();
    }

    /**
     * The interned copy of the given ASCII bytes. Hashing, probing and comparing are written out in this one method,
     * which keeps it above the JIT's inlining size: it is compiled once instead of into each of its many callers.
     */
    String intern(byte[] buf, int off, int len) {
        if (len == DigestTable.TEXT_LENGTH && digests.parse(buf, off, len)) {
            return digests.string(buf, off);
        }
        int h = 0;
        for (int j = off, end = off + len; j < end; j++) {
            h = 31 * h + buf[j];
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        int[] rs = refs;
        int[] hs = hashes;
        int m = mask;
        int i = h & m;
        for (;;) {
            int ref = rs[i];
            if (ref == 0) {
                break;
            }
            if (hs[i] == h) {
                byte[] k = (byte[]) keyBytes.get(ref - 1);
                if (k != null && k.length == len && Arrays.equals(k, 0, len, buf, off, off + len)) {
                    return (String) values.get(ref - 1);
                }
            }
            i = (i + 1) & m;
        }
        String s = new String(buf, off, len, StandardCharsets.ISO_8859_1);
        insert(i, h, s);
        return s;
    }

    /** The interned copy of s (s itself when first seen); null for null. */
    String intern(String s) {
        if (s == null) {
            return null;
        }
        if (s.length() == DigestTable.TEXT_LENGTH && digests.parse(s)) {
            return digests.string(s);
        }
        int h = hash(s);
        int i = find(h, s);
        if (i >= 0) {
            return (String) values.get(refs[i] - 1);
        }
        insert(-i - 1, h, s);
        return s;
    }

    /**
     * The layer with this digest and size: the first layer seen with this digest when its size matches, else a new
     * layer sharing the first one's digest string.
     */
    Layer layer(byte[] buf, int off, int len, long layerSize) {
        if (len == DigestTable.TEXT_LENGTH && digests.parse(buf, off, len)) {
            return digests.layer(buf, off, layerSize);
        }
        int h = hash(buf, off, len);
        int i = find(h, buf, off, len);
        if (i >= 0) {
            return sized((Layer) values.get(refs[i] - 1), layerSize);
        }
        Layer layer = new Layer(new String(buf, off, len, StandardCharsets.ISO_8859_1), layerSize);
        insert(-i - 1, h, layer);
        return layer;
    }

    /**
     * Queues the look-up of a canonical digest's layer (see {@link DigestTable#queueLayer}); false (nothing queued)
     * for other text, which the caller resolves with {@link #layer(byte[], int, int, long)} instead.
     */
    boolean queueLayer(byte[] buf, int off, int len, long layerSize) {
        return digests.queueLayer(buf, off, len, layerSize);
    }

    /** Fills the null entries of out[0..n) with the queued layers, in order. */
    void resolveLayers(Layer[] out, int n) {
        digests.resolveBatch(out, n);
    }

    /** Like {@link #layer(byte[], int, int, long)} for a digest given as a String. */
    Layer layer(String name, long layerSize) {
        if (name.length() == DigestTable.TEXT_LENGTH && digests.parse(name)) {
            return digests.layer(name, layerSize);
        }
        int h = hash(name);
        int i = find(h, name);
        if (i >= 0) {
            return sized((Layer) values.get(refs[i] - 1), layerSize);
        }
        Layer layer = new Layer(name, layerSize);
        insert(-i - 1, h, layer);
        return layer;
    }

    private static Layer sized(Layer first, long layerSize) {
        return first.size() == layerSize ? first : new Layer(first.name(), layerSize);
    }

    private String key(int i) {
        Object v = values.get(refs[i] - 1);
        return layerTable ? ((Layer) v).name() : (String) v;
    }

    /** The slot holding these bytes, or -(free slot) - 1. */
    private int find(int h, byte[] buf, int off, int len) {
        int i = h & mask;
        for (;;) {
            if (refs[i] == 0) {
                return -i - 1;
            }
            byte[] k = hashes[i] == h ? (byte[]) keyBytes.get(refs[i] - 1) : null;
            if (k != null && k.length == len && Arrays.equals(k, 0, len, buf, off, off + len)) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    private int find(int h, String s) {
        int i = h & mask;
        for (;;) {
            if (refs[i] == 0) {
                return -i - 1;
            }
            if (hashes[i] == h && key(i).equals(s)) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    private void insert(int i, int h, Object value) {
        hashes[i] = h;
        String key = layerTable ? ((Layer) value).name() : (String) value;
        keyBytes.add(latin1(key));
        refs[i] = values.add(value) + 1;
        if (values.size() * 2 > refs.length) {
            grow();
        }
    }

    private void grow() {
        int[] oldHashes = hashes;
        int[] oldRefs = refs;
        allocate(oldRefs.length * 2);
        for (int j = 0; j < oldRefs.length; j++) {
            if (oldRefs[j] == 0) {
                continue;
            }
            int i = oldHashes[j] & mask;
            while (refs[i] != 0) {
                i = (i + 1) & mask;
            }
            hashes[i] = oldHashes[j];
            refs[i] = oldRefs[j];
        }
    }

    /** The key's bytes if it is all Latin-1 (byte look-ups only ever see ASCII), else null. */
    private static byte[] latin1(String key) {
        for (int j = 0; j < key.length(); j++) {
            if (key.charAt(j) > 0xff) {
                return null;
            }
        }
        return key.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int hash(byte[] buf, int off, int len) {
        int h = 0;
        for (int j = off, end = off + len; j < end; j++) {
            h = 31 * h + buf[j];
        }
        return spread(h);
    }

    private static int hash(String s) {
        return spread(s.hashCode());
    }

    private static int spread(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }
}
