package io.imageprune.state;

import io.imageprune.model.NamespaceScope;
import io.imageprune.projection.SyncMarker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The graph's scope is the newest fault-free marker's (by record time): an old marker of another ingest, replayed
 * from the compacted topic after a newer one, never widens it, and a fault marker does not change it.
 */
class GraphScopeTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final NamespaceScope SHOP = NamespaceScope.of("imageprune.ingest.namespaces", List.of("shop"));

    private final Freshness freshness = new Freshness(Duration.ofSeconds(10), Duration.ofSeconds(45));

    @Test
    void theNewestMarkerDecidesAndAnOlderOneReplayedLaterDoesNot() {
        assertNull(freshness.newestMarker());
        SyncMarker deadUnscopedIngest = new SyncMarker("old", 1, T0, Map.of()).withScope(NamespaceScope.ALL);
        SyncMarker liveScopedIngest = new SyncMarker("new", 1, T0, Map.of()).withScope(SHOP);

        freshness.marker(liveScopedIngest, T0.plusSeconds(60));
        freshness.marker(deadUnscopedIngest, T0.plusSeconds(5));
        assertEquals(SHOP, freshness.newestMarker().scope());

        freshness.marker(deadUnscopedIngest.withFault("watch lost"), T0.plusSeconds(70));
        assertEquals(SHOP, freshness.newestMarker().scope(), "a fault marker is not a fresh view");

        freshness.marker(new SyncMarker("new", 2, T0, Map.of()), T0.plusSeconds(80));
        assertEquals(NamespaceScope.UNKNOWN, freshness.newestMarker().scope(), "an ingest that records no scope");
    }
}
