package io.imageprune.ingest;

import java.util.Set;
import java.util.function.Consumer;

/**
 * Which keys a listing tombstones. A key the topic holds but the listing did not see is tombstoned only if no
 * informer's store holds it at the moment of the tombstone: a watch event that added the object after the listing
 * looked at the stores has already put its record on the topic, and a tombstone there would make a live object (a
 * pod holding an image) vanish from the graph — the image would look unused.
 */
final class TombstoneChoice {
    private TombstoneChoice() {
    }

    /** Tombstones (through {@code tombstone}) each of {@code unlisted} that {@code storesNow} does not hold. */
    static int publishAbsent(Set<String> unlisted, Set<String> storesNow, Consumer<String> tombstone) {
        int published = 0;
        for (String key : unlisted) {
            if (!storesNow.contains(key)) {
                tombstone.accept(key);
                published++;
            }
        }
        return published;
    }
}
