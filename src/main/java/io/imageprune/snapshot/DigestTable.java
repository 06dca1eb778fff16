package io.imageprune.snapshot;

import io.imageprune.model.Layer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Intern table for canonical {@code sha256:<64 lowercase hex>} digests, keyed by the 256 digest bits packed into four
 * longs. A look-up compares 32 bytes in one place instead of following a String to its characters, which matters
 * when a snapshot holds millions of layer references. Values are the interned String or, for layer tables, the first
 * {@link Layer} seen. Any other text is not handled here ({@link #parse} returns false). Not thread-safe.
 *
 * <p>Random memory access is what a big table costs (hundreds of ns per miss once the table outgrows the caches), so
 * a slot keeps its digest, the layer size and the value's index together in one primitive array; the values
 * themselves are appended to a {@link ValueList}. Layer tables put a small direct-mapped cache in front: the most
 * popular base layers account for half of all layer references.
 */
final class DigestTable {
    static final int TEXT_LENGTH = 71;
    private static final byte[] HEX = new byte[256];
    private static final int MAX_CACHE_SIZE = 1 << 13;
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

    static {
        Arrays.fill(HEX, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            HEX[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            HEX[c] = (byte) (c - 'a' + 10);
        }
    }

    private final boolean layers;
    /** Slot layout: four digest words, [layer size,] value index + 1 (0 = empty slot). */
    private final int stride;
    private final int refOffset;
    private long[] slots;
    private int mask;
    private int growAt;
    private final ValueList values = new ValueList();

    /** Layer tables: a direct-mapped cache of recently used layers (digest words and size, then the layer). */
    private final long[] cacheKeys;
    private final Layer[] cacheValues;
    private final int cacheMask;

    /** The digest most recently parsed, and its hash. */
    private long k0;
    private long k1;
    private long k2;
    private long k3;
    private int hash;

    /** Layer batch: parsed digests (words, hash, size) waiting to be resolved together. */
    private long[] batchWords = new long[64];
    private int[] batchHashes = new int[16];
    private long[] batchSizes = new long[16];
    private int batchCount;
    /** Keeps the touching loads of {@link #resolveBatch} from being optimized away. */
    long blackhole;

    DigestTable(int capacity, boolean layers) {
        this.layers = layers;
        this.stride = layers ? 6 : 5;
        this.refOffset = stride - 1;
        allocate(Integer.highestOneBit(Math.max(16, capacity) - 1) << 1);
        int cacheSize = Math.min(MAX_CACHE_SIZE, Integer.highestOneBit(Math.max(16, capacity / 32)));
        cacheMask = cacheSize - 1;
        cacheKeys = layers ? new long[cacheSize * 5] : null;
        cacheValues = layers ? new Layer[cacheSize] : null;
    }

    private void allocate(int cap) {
        slots = new long[cap * stride];
        mask = cap - 1;
        growAt = (int) (cap * 0.7);
    }

    int size() {
        return values.size();
    }

    /** Parses a canonical sha256 digest from ASCII bytes; false if the text is anything else. */
    boolean parse(byte[] b, int off, int len) {
        if (len != TEXT_LENGTH || b[off] != 's' || b[off + 1] != 'h' || b[off + 2] != 'a' || b[off + 3] != '2'
                || b[off + 4] != '5' || b[off + 5] != '6' || b[off + 6] != ':') {
            return false;
        }
        int p = off + 7;
        long w0 = 0;
        long w1 = 0;
        long w2 = 0;
        long w3 = 0;
        int bad = 0;
        for (int j = 0; j < 16; j++) {
            int d0 = HEX[b[p + j] & 0xff];
            int d1 = HEX[b[p + 16 + j] & 0xff];
            int d2 = HEX[b[p + 32 + j] & 0xff];
            int d3 = HEX[b[p + 48 + j] & 0xff];
            bad |= d0 | d1 | d2 | d3;
            w0 = (w0 << 4) | (d0 & 0xf);
            w1 = (w1 << 4) | (d1 & 0xf);
            w2 = (w2 << 4) | (d2 & 0xf);
            w3 = (w3 << 4) | (d3 & 0xf);
        }
        if (bad < 0) {
            return false;
        }
        k0 = w0;
        k1 = w1;
        k2 = w2;
        k3 = w3;
        // same as hash(w0, w1, w2, w3), written out: with it this method stays above the JIT's inlining size and
        // is compiled once instead of into every caller
        long h = w0 ^ (w1 * 0x9E3779B97F4A7C15L) ^ (w2 * 0xC2B2AE3D27D4EB4FL) ^ (w3 * 0x165667B19E3779F9L);
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        hash = (int) h;
        return true;
    }

    /** Parses a canonical sha256 digest from a String; false if it is anything else. */
    boolean parse(String s) {
        if (s.length() != TEXT_LENGTH) {
            return false;
        }
        for (int i = 0; i < TEXT_LENGTH; i++) {
            if (s.charAt(i) > 0x7f) {
                return false;
            }
        }
        return parse(s.getBytes(StandardCharsets.ISO_8859_1), 0, TEXT_LENGTH);
    }

    private static int hash(long w0, long w1, long w2, long w3) {
        long h = w0 ^ (w1 * 0x9E3779B97F4A7C15L) ^ (w2 * 0xC2B2AE3D27D4EB4FL) ^ (w3 * 0x165667B19E3779F9L);
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int) h;
    }

    /** The slot offset of the parsed digest, or -(offset of the free slot) - 1. */
    private int find() {
        long[] s = slots;
        int st = stride;
        int i = hash & mask;
        for (;;) {
            int k = i * st;
            if (s[k + refOffset] == 0) {
                return -k - 1;
            }
            if (s[k] == k0 && s[k + 1] == k1 && s[k + 2] == k2 && s[k + 3] == k3) {
                return k;
            }
            i = (i + 1) & mask;
        }
    }

    /** The interned String of the parsed digest; {@code text} (exactly that digest) becomes it when first seen. */
    String string(String text) {
        int k = find();
        if (k >= 0) {
            return (String) values.get((int) slots[k + refOffset] - 1);
        }
        insert(-k - 1, text, 0);
        return text;
    }

    /** The interned String of the parsed digest, created from the bytes when first seen. */
    String string(byte[] b, int off) {
        int k = find();
        if (k >= 0) {
            return (String) values.get((int) slots[k + refOffset] - 1);
        }
        String s = new String(b, off, TEXT_LENGTH, StandardCharsets.ISO_8859_1);
        insert(-k - 1, s, 0);
        return s;
    }

    /**
     * The layer of the parsed digest with this size (the first one seen when the size matches); b (the digest text)
     * may be null, the text is then rebuilt from the digest.
     */
    Layer layer(byte[] b, int off, long layerSize) {
        int c = hash & cacheMask;
        int ck = c * 5;
        long[] cks = cacheKeys;
        Layer first = cacheValues[c];
        if (first == null || cks[ck] != k0 || cks[ck + 1] != k1 || cks[ck + 2] != k2 || cks[ck + 3] != k3) {
            // find() written out: this method then stays above the JIT's inlining size and is compiled once
            long[] sl = slots;
            int st = stride;
            int k;
            for (int i = hash & mask;; i = (i + 1) & mask) {
                k = i * st;
                if (sl[k + refOffset] == 0) {
                    k = -k - 1;
                    break;
                }
                if (sl[k] == k0 && sl[k + 1] == k1 && sl[k + 2] == k2 && sl[k + 3] == k3) {
                    break;
                }
            }
            long firstSize;
            if (k < 0) {
                first = new Layer(b == null ? text() : new String(b, off, TEXT_LENGTH, StandardCharsets.ISO_8859_1),
                        layerSize);
                firstSize = layerSize;
                insert(-k - 1, first, layerSize);
            } else {
                first = (Layer) values.get((int) slots[k + refOffset] - 1);
                firstSize = slots[k + 4];
            }
            cks[ck] = k0;
            cks[ck + 1] = k1;
            cks[ck + 2] = k2;
            cks[ck + 3] = k3;
            cks[ck + 4] = firstSize;
            cacheValues[c] = first;
            return firstSize == layerSize ? first : new Layer(first.name(), layerSize);
        }
        return cks[ck + 4] == layerSize ? first : new Layer(first.name(), layerSize);
    }

    /**
     * Queues a layer look-up if the bytes are a canonical digest (else returns false and queues nothing). Queued
     * look-ups are resolved by {@link #resolveBatch}, which first touches every slot they need so that their cache
     * misses overlap instead of being paid one after the other.
     */
    boolean queueLayer(byte[] b, int off, int len, long layerSize) {
        if (len != TEXT_LENGTH || !parse(b, off, len)) {
            return false;
        }
        int j = batchCount;
        if (j == batchHashes.length) {
            batchWords = Arrays.copyOf(batchWords, j * 8);
            batchHashes = Arrays.copyOf(batchHashes, j * 2);
            batchSizes = Arrays.copyOf(batchSizes, j * 2);
        }
        int w = j << 2;
        batchWords[w] = k0;
        batchWords[w + 1] = k1;
        batchWords[w + 2] = k2;
        batchWords[w + 3] = k3;
        batchHashes[j] = hash;
        batchSizes[j] = layerSize;
        batchCount = j + 1;
        return true;
    }

    /** Fills the null entries of out[0..n) with the queued layers, in queue order, and empties the queue. */
    void resolveBatch(Layer[] out, int n) {
        int count = batchCount;
        long touched = 0;
        for (int j = 0; j < count; j++) {
            int h = batchHashes[j];
            touched += cacheKeys[(h & cacheMask) * 5] + slots[(h & mask) * stride + refOffset];
        }
        blackhole = touched;
        int j = 0;
        for (int i = 0; i < n && j < count; i++) {
            if (out[i] != null) {
                continue;
            }
            int w = j << 2;
            k0 = batchWords[w];
            k1 = batchWords[w + 1];
            k2 = batchWords[w + 2];
            k3 = batchWords[w + 3];
            hash = batchHashes[j];
            out[i] = layer(null, 0, batchSizes[j]);
            j++;
        }
        batchCount = 0;
    }

    /** The text of the parsed digest. */
    private String text() {
        byte[] t = new byte[TEXT_LENGTH];
        t[0] = 's';
        t[1] = 'h';
        t[2] = 'a';
        t[3] = '2';
        t[4] = '5';
        t[5] = '6';
        t[6] = ':';
        hex(k0, t, 7);
        hex(k1, t, 23);
        hex(k2, t, 39);
        hex(k3, t, 55);
        return new String(t, StandardCharsets.ISO_8859_1);
    }

    private static void hex(long w, byte[] t, int at) {
        for (int j = 15; j >= 0; j--) {
            t[at + j] = HEX_DIGITS[(int) (w & 0xf)];
            w >>>= 4;
        }
    }

    /** Like {@link #layer(byte[], int, long)} with the digest text given as a String. */
    Layer layer(String text, long layerSize) {
        int k = find();
        if (k < 0) {
            Layer layer = new Layer(text, layerSize);
            insert(-k - 1, layer, layerSize);
            return layer;
        }
        Layer first = (Layer) values.get((int) slots[k + refOffset] - 1);
        return slots[k + 4] == layerSize ? first : new Layer(first.name(), layerSize);
    }

    private void insert(int k, Object value, long layerSize) {
        long[] s = slots;
        s[k] = k0;
        s[k + 1] = k1;
        s[k + 2] = k2;
        s[k + 3] = k3;
        if (layers) {
            s[k + 4] = layerSize;
        }
        s[k + refOffset] = values.add(value) + 1L;
        if (values.size() > growAt) {
            grow();
        }
    }

    private void grow() {
        long[] old = slots;
        int st = stride;
        allocate((mask + 1) * 2);
        long[] s = slots;
        for (int k = 0; k < old.length; k += st) {
            if (old[k + refOffset] == 0) {
                continue;
            }
            int i = hash(old[k], old[k + 1], old[k + 2], old[k + 3]) & mask;
            while (s[i * st + refOffset] != 0) {
                i = (i + 1) & mask;
            }
            System.arraycopy(old, k, s, i * st, st);
        }
    }
}
