package io.imageprune.prune;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Since when each image has been prunable as far as this process knows: the first plan of the whole graph that found
 * it prunable. A later whole plan that keeps it forgets it (it became eligible again later, if ever); its deletion
 * takes it out. Bounded by the images of the graph. Thread-safe.
 */
final class PrunableSince {
    private final Map<String, Instant> since = new HashMap<>();

    /** A plan of the whole graph at {@code at} found exactly {@code prunable} prunable. */
    synchronized void planned(Set<String> prunable, Instant at) {
        since.keySet().retainAll(prunable);
        for (String image : prunable) {
            since.putIfAbsent(image, at);
        }
    }

    /** The image was deleted: since when it was known prunable, if a plan of the whole graph had found it. */
    synchronized Optional<Instant> deleted(String image) {
        return Optional.ofNullable(since.remove(image));
    }

    synchronized int size() {
        return since.size();
    }
}
