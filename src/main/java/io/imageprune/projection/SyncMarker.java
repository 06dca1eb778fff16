package io.imageprune.projection;

import io.imageprune.model.Times;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Written to {@code imageprune.cluster-state} after each full listing, under the key {@code SyncMarker//<ingestId>}:
 * once a consumer has applied this record, it has seen everything that listing saw.
 *
 * @param ingestId       the identity of the ingest instance that listed (never contains {@code /})
 * @param epoch          increases with every full listing of that ingest instance
 * @param listedAt       when the listing finished ({@link Times#ZERO} when absent)
 * @param objectsPerKind how many objects of each kind the listing produced, sorted by kind
 */
public record SyncMarker(String ingestId, long epoch, Instant listedAt, Map<String, Integer> objectsPerKind) {
    public SyncMarker {
        Objects.requireNonNull(ingestId, "ingestId");
        listedAt = Times.orZero(listedAt);
        if (objectsPerKind == null || objectsPerKind.isEmpty()) {
            objectsPerKind = Map.of();
        } else {
            TreeMap<String, Integer> sorted = new TreeMap<>();
            objectsPerKind.forEach((kind, count) -> sorted.put(Objects.requireNonNull(kind, "objectsPerKind key"),
                    Objects.requireNonNull(count, "objectsPerKind value")));
            objectsPerKind = Collections.unmodifiableSortedMap(sorted);
        }
    }

    /** {@code SyncMarker//<ingestId>}. */
    public String key() {
        return ProjectionKeys.of(this);
    }
}
