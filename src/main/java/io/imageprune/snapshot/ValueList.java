package io.imageprune.snapshot;

import java.util.Arrays;

/**
 * An append-only list of objects in fixed-size chunks, for the intern tables. Appending writes sequentially into a
 * small, recently allocated chunk; storing references at random positions of a big (old-generation) array instead
 * would make the garbage collector's write barrier dirty a different card on nearly every store and keep its
 * refinement threads busy rescanning them.
 */
final class ValueList {
    private static final int SHIFT = 12;
    private static final int CHUNK = 1 << SHIFT;

    private Object[][] chunks = new Object[4][];
    private int size;

    /** Appends and returns the index. */
    int add(Object value) {
        int c = size >>> SHIFT;
        if (c == chunks.length) {
            Object[][] bigger = new Object[c * 2][];
            System.arraycopy(chunks, 0, bigger, 0, c);
            chunks = bigger;
        }
        Object[] chunk = chunks[c];
        int at = size & (CHUNK - 1);
        if (chunk == null || at == chunk.length) {
            // the first chunk starts small and doubles (small documents stay cheap), later ones are full size
            chunk = chunk == null ? new Object[c == 0 ? 16 : CHUNK] : Arrays.copyOf(chunk, chunk.length * 2);
            chunks[c] = chunk;
        }
        chunk[at] = value;
        return size++;
    }

    Object get(int index) {
        return chunks[index >>> SHIFT][index & (CHUNK - 1)];
    }

    int size() {
        return size;
    }
}
