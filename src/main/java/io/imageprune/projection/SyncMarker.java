package io.imageprune.projection;

import io.imageprune.model.NamespaceScope;
import io.imageprune.model.Times;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Written to {@code imageprune.cluster-state} under the key {@code SyncMarker//<ingestId>} after each full listing and
 * then at a fixed interval as a heartbeat: once a consumer has applied a marker without a {@code fault}, it has seen
 * everything the ingest saw when it wrote the marker (the ingest flushes every change before it). A marker with a
 * {@code fault} says the opposite: the ingest lost changes (a publish failed, a watch was lost) and has not relisted
 * yet; the graph is not to be trusted until a later marker without a fault arrives. How old a marker is comes from
 * its Kafka record timestamp, so markers written before the fault field existed still count.
 *
 * @param ingestId       the identity of the ingest instance that listed (never contains {@code /})
 * @param epoch          increases with every full listing of that ingest instance
 * @param listedAt       when the listing finished ({@link Times#ZERO} when absent)
 * @param objectsPerKind how many objects of each kind the listing produced, sorted by kind
 * @param fault          why the ingest's changes since {@code epoch} cannot be trusted, or null (absent on the topic)
 * @param scope          the namespaces the ingest watches; {@link NamespaceScope#UNKNOWN} for a marker of an ingest
 *                       that did not record it (it may have been scoped: {@code imageprune.ingest.namespaces} is as old
 *                       as the ingest)
 */
public record SyncMarker(String ingestId, long epoch, Instant listedAt, Map<String, Integer> objectsPerKind,
                         String fault, NamespaceScope scope) {
    /** A marker without a fault and without a recorded scope. */
    public SyncMarker(String ingestId, long epoch, Instant listedAt, Map<String, Integer> objectsPerKind) {
        this(ingestId, epoch, listedAt, objectsPerKind, null, NamespaceScope.UNKNOWN);
    }

    /** A marker without a recorded scope, as ingests wrote them before they recorded it. */
    public SyncMarker(String ingestId, long epoch, Instant listedAt, Map<String, Integer> objectsPerKind,
                      String fault) {
        this(ingestId, epoch, listedAt, objectsPerKind, fault, NamespaceScope.UNKNOWN);
    }

    public SyncMarker {
        Objects.requireNonNull(ingestId, "ingestId");
        scope = scope == null ? NamespaceScope.UNKNOWN : scope;
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

    /** This marker with the given fault (null: none). */
    public SyncMarker withFault(String why) {
        return new SyncMarker(ingestId, epoch, listedAt, objectsPerKind, why, scope);
    }

    /** This marker recording the namespaces the ingest watches. */
    public SyncMarker withScope(NamespaceScope watched) {
        return new SyncMarker(ingestId, epoch, listedAt, objectsPerKind, fault, watched);
    }

    /** {@code SyncMarker//<ingestId>}. */
    public String key() {
        return ProjectionKeys.of(this);
    }
}
