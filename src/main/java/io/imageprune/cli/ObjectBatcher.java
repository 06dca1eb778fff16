package io.imageprune.cli;

import java.util.function.Consumer;

/**
 * Collects objects into arrays of a fixed size and hands each full array on, so that a thread reading a snapshot
 * passes work to other threads a batch at a time rather than an object at a time. Not thread-safe: one reader adds.
 */
final class ObjectBatcher {
    private final int size;
    private final Consumer<Object[]> handOff;
    private Object[] batch;
    private int batched;

    /** @param handOff receives each batch; it owns the array from then on */
    ObjectBatcher(int size, Consumer<Object[]> handOff) {
        this.size = size;
        this.handOff = handOff;
        this.batch = new Object[size];
    }

    void add(Object object) {
        batch[batched++] = object;
        if (batched == size) {
            handOff.accept(batch);
            batch = new Object[size];
            batched = 0;
        }
    }

    /** Hands on what is collected and not yet handed on, as an array of its own length (nothing when empty). */
    void flush() {
        if (batched > 0) {
            Object[] last = new Object[batched];
            System.arraycopy(batch, 0, last, 0, batched);
            handOff.accept(last);
            batched = 0;
        }
    }
}
