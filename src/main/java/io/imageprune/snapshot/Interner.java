package io.imageprune.snapshot;

import io.imageprune.model.Layer;

/**
 * Load-local intern tables (open addressing, linear probing) that look text up straight from the parser's character
 * buffer, so that a string seen before costs no allocation and each distinct value is one String object. Also interns
 * {@link Layer}s by digest. Not thread-safe.
 */
final class Interner {
    private String[] keys;
    private int[] hashes;
    private Layer[] layers;
    private int size;
    private int mask;
    private final boolean withLayers;

    Interner(int capacity, boolean withLayers) {
        int cap = Integer.highestOneBit(Math.max(16, capacity) - 1) << 1;
        this.withLayers = withLayers;
        keys = new String[cap];
        hashes = new int[cap];
        layers = withLayers ? new Layer[cap] : null;
        mask = cap - 1;
    }

    int size() {
        return size;
    }

    /** The interned copy of the given characters. */
    String intern(char[] buf, int off, int len) {
        int h = hash(buf, off, len);
        int i = h & mask;
        String[] ks = keys;
        int[] hs = hashes;
        for (;;) {
            String k = ks[i];
            if (k == null) {
                String s = new String(buf, off, len);
                insert(i, h, s, null);
                return s;
            }
            if (hs[i] == h && sameChars(k, buf, off, len)) {
                return k;
            }
            i = (i + 1) & mask;
        }
    }

    /** The interned copy of s (s itself when first seen); null for null. */
    String intern(String s) {
        if (s == null) {
            return null;
        }
        int h = hash(s);
        int i = h & mask;
        String[] ks = keys;
        int[] hs = hashes;
        for (;;) {
            String k = ks[i];
            if (k == null) {
                insert(i, h, s, null);
                return s;
            }
            if (hs[i] == h && k.equals(s)) {
                return k;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * The layer with this digest and size: the first layer seen with this digest when its size matches, else a new
     * layer sharing the first one's digest string. Requires {@code withLayers}.
     */
    Layer layer(char[] buf, int off, int len, long layerSize) {
        int h = hash(buf, off, len);
        int i = h & mask;
        String[] ks = keys;
        int[] hs = hashes;
        for (;;) {
            String k = ks[i];
            if (k == null) {
                Layer layer = new Layer(new String(buf, off, len), layerSize);
                insert(i, h, layer.name(), layer);
                return layer;
            }
            if (hs[i] == h && sameChars(k, buf, off, len)) {
                Layer first = layers[i];
                return first.size() == layerSize ? first : new Layer(first.name(), layerSize);
            }
            i = (i + 1) & mask;
        }
    }

    private void insert(int i, int h, String s, Layer layer) {
        keys[i] = s;
        hashes[i] = h;
        if (withLayers) {
            layers[i] = layer;
        }
        if (++size * 2 > keys.length) {
            grow();
        }
    }

    private void grow() {
        String[] oldKeys = keys;
        int[] oldHashes = hashes;
        Layer[] oldLayers = layers;
        int cap = oldKeys.length << 1;
        keys = new String[cap];
        hashes = new int[cap];
        layers = withLayers ? new Layer[cap] : null;
        mask = cap - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            String k = oldKeys[j];
            if (k != null) {
                int h = oldHashes[j];
                int i = h & mask;
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = k;
                hashes[i] = h;
                if (withLayers) {
                    layers[i] = oldLayers[j];
                }
            }
        }
    }

    private static boolean sameChars(String k, char[] buf, int off, int len) {
        if (k.length() != len) {
            return false;
        }
        // digests share their prefix ("sha256:"), so compare from the end
        for (int j = len - 1; j >= 0; j--) {
            if (k.charAt(j) != buf[off + j]) {
                return false;
            }
        }
        return true;
    }

    private static int hash(char[] buf, int off, int len) {
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
