package io.imageprune.bench;

import java.util.Arrays;

/** Layers by number: their sizes and how many images hold each. Layer 0 is the well-known empty layer. */
final class LayerTable {
    static final int EMPTY = 0;
    static final String EMPTY_DIGEST = "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4";

    private long[] sizes = new long[1 << 16];
    private int[] uses = new int[1 << 16];
    private int count = 1;

    LayerTable() {
        sizes[EMPTY] = 32;
    }

    int add(long size) {
        if (count == sizes.length) {
            sizes = Arrays.copyOf(sizes, count * 2);
            uses = Arrays.copyOf(uses, count * 2);
        }
        sizes[count] = size;
        return count++;
    }

    long size(int layer) {
        return sizes[layer];
    }

    int count() {
        return count;
    }

    int uses(int layer) {
        return uses[layer];
    }

    void use(int layer, int delta) {
        uses[layer] += delta;
    }

    /** layers held by at least one image */
    int distinctInUse() {
        int distinct = 0;
        for (int i = 0; i < count; i++) {
            if (uses[i] > 0) {
                distinct++;
            }
        }
        return distinct;
    }
}
