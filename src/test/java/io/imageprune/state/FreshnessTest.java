package io.imageprune.state;

import io.imageprune.projection.SyncMarker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The freshness rules on their own, with time passed in. */
class FreshnessTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final SyncMarker MARKER = new SyncMarker("ingest-a", 1, T0, Map.of("Pod", 1));

    private final Freshness freshness = new Freshness(Duration.ofSeconds(10), Duration.ofSeconds(45));

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void aMarkerWrittenBeforeAProcessStartDoesNotCountOnceTheStartIsAFault() {
        // a process killed and restarted within max-marker-age: the old life's marker is young but says nothing
        // about the time nobody watched the cluster
        freshness.contact(at(1), 0);
        freshness.marker(MARKER, at(1));
        freshness.fault(at(5), "this process's ingest has not listed the cluster since it started");
        assertTrue(freshness.problem(at(6)).startsWith("waiting for a sync marker newer than the fault at " + at(5)),
                freshness.problem(at(6)));
        assertTrue(freshness.marker(new SyncMarker("ingest-a", 2, at(7), Map.of("Pod", 1)), at(7)),
                "the marker ends the fault: the consumer must catch up with the end offsets before trusting it");
        assertNull(freshness.problem(at(8)), "its own listing's marker counts");
        assertFalse(freshness.marker(new SyncMarker("ingest-a", 2, at(9), Map.of("Pod", 1)), at(9)),
                "a heartbeat without a fault before it ends nothing");
    }

    /**
     * Roles split: the ingest process was killed and started again while this process kept its graph; no fault was
     * read, the old markers merely aged out. The new listing's marker sits on one partition while the listing's
     * records on the others may be unapplied: it must ask for the sync barrier, as a fault-ending marker does.
     */
    @Test
    void theMarkerOfANewListingAsksForTheSyncBarrierWithoutAFault() {
        freshness.contact(at(1), 0);
        freshness.marker(MARKER, at(1));
        assertFalse(freshness.marker(new SyncMarker("ingest-a", 1, T0, Map.of("Pod", 1)), at(3)),
                "a heartbeat of the same listing");
        freshness.contact(at(60), 0);
        assertTrue(freshness.problem(at(60)).contains("more than imageprune.state.max-marker-age"),
                freshness.problem(at(60)));
        assertTrue(freshness.marker(new SyncMarker("ingest-b", 2, at(61), Map.of("Pod", 1)), at(61)),
                "the restarted ingest's listing: catch up with the end offsets before trusting the graph");
        assertNull(freshness.problem(at(62)));
        assertFalse(freshness.marker(new SyncMarker("ingest-a", 1, T0, Map.of("Pod", 1)), at(62)),
                "a late heartbeat of the older listing (two ingests during a rollout) asks for nothing");
        assertFalse(freshness.marker(new SyncMarker("ingest-b", 2, at(61), Map.of("Pod", 1)), at(63)),
                "the new listing's heartbeat");
    }

    @Test
    void freshWithARecentContactAndARecentMarker() {
        freshness.contact(at(1), 3);
        freshness.marker(MARKER, at(1));
        assertNull(freshness.problem(at(2)));
        assertEquals(3, freshness.lag(at(2)));
    }

    @Test
    void lagPerPartitionAddsUpAndIsUnknownOnceStaleOrForAPartitionNotRead() {
        freshness.contact(at(1), Map.of(0, 4L, 1, 0L, 2, 7L));
        freshness.marker(MARKER, at(1));
        assertEquals(11, freshness.lag(at(2)));
        assertEquals(4, freshness.lag(0, at(2)));
        assertEquals(7, freshness.lag(2, at(2)));
        assertEquals(-1, freshness.lag(3, at(2)), "a partition the consumer did not read");
        assertEquals(Map.of("0", 4L, "1", 0L, "2", 7L), freshness.kafkaStatus(at(2)).get("lagPerPartition"));
        assertEquals(-1, freshness.lag(0, at(12)), "not read within max-staleness: unknown, never the old value");
        assertEquals(Map.of("0", -1L, "1", -1L, "2", -1L), freshness.kafkaStatus(at(12)).get("lagPerPartition"));
        freshness.reset();
        assertEquals(-1, freshness.lag(0, at(2)), "a replay forgets the positions");
        assertEquals(Map.of(), freshness.kafkaStatus(at(2)).get("lagPerPartition"));
    }

    @Test
    void aLagNotReadWithinMaxStalenessIsUnknownAndTheBrokerCountsAsUnreachable() {
        freshness.contact(at(1), 0);
        freshness.marker(MARKER, at(1));
        assertEquals(0, freshness.lag(at(11)));
        assertEquals(-1, freshness.lag(at(12)), "unknown, never 0");
        assertTrue(freshness.problem(at(12)).startsWith("Kafka unreachable since " + at(1)), freshness.problem(at(12)));
        assertEquals(-1, new Freshness(Duration.ofSeconds(1), Duration.ofSeconds(1)).lag(at(0)), "never read");
    }

    @Test
    void aBrokerThatNeverAnsweredSinceTheStartIsUnreachableAfterMaxStalenessNotUnknown() {
        assertEquals(-1, freshness.connected(at(0)), "nothing tried yet");
        freshness.connecting(at(1));
        assertEquals(-1, freshness.connected(at(11)), "within max-staleness: not known yet");
        assertEquals("UNKNOWN", freshness.kafkaStatus(at(11)).get("state"));
        // a retry after a failed start does not move the start of the outage
        freshness.reset();
        freshness.connecting(at(8));
        assertEquals(0, freshness.connected(at(12)));
        assertEquals("UNREACHABLE", freshness.kafkaStatus(at(12)).get("state"));
        assertEquals(at(1).toString(), freshness.kafkaStatus(at(12)).get("unreachableSince"));
        assertTrue(freshness.problem(at(12)).startsWith("Kafka unreachable since " + at(1)), freshness.problem(at(12)));
        freshness.contact(at(13), 0);
        assertEquals(1, freshness.connected(at(13)));
        assertEquals("CONNECTED", freshness.kafkaStatus(at(13)).get("state"));
        // a later replay starts its own count
        freshness.reset();
        freshness.connecting(at(20));
        assertEquals(-1, freshness.connected(at(25)));
        assertEquals(0, freshness.connected(at(31)));
    }

    @Test
    void aFailedReadNamesTheOutageAtOnceAndTheNextMarkerMustBeNewerThanIt() {
        freshness.contact(at(1), 0);
        freshness.marker(MARKER, at(1));
        freshness.unreachable(at(2), "TimeoutException: no answer");
        freshness.unreachable(at(4), "TimeoutException: still none");
        assertEquals("Kafka unreachable since " + at(2) + ": TimeoutException: still none", freshness.unreachable(at(5)));
        freshness.contact(at(6), 0);
        assertTrue(freshness.problem(at(6)).startsWith("waiting for a sync marker newer than the fault at " + at(2)),
                freshness.problem(at(6)));
        freshness.marker(MARKER, at(2));
        assertTrue(freshness.problem(at(7)).startsWith("waiting for a sync marker"), "not newer than the outage");
        freshness.marker(MARKER, at(7));
        assertNull(freshness.problem(at(7)));
    }

    @Test
    void aFaultMarkerMakesTheGraphStaleUntilANewerMarkerWithoutAFault() {
        freshness.contact(at(1), 0);
        freshness.marker(MARKER, at(1));
        freshness.marker(MARKER.withFault("could not publish Pod/ns/p"), at(3));
        assertTrue(freshness.problem(at(4)).contains("ingest ingest-a reported: could not publish Pod/ns/p"),
                freshness.problem(at(4)));
        freshness.contact(at(5), 0);
        freshness.marker(new SyncMarker("ingest-a", 2, at(4), Map.of()), at(5));
        assertNull(freshness.problem(at(5)));
    }

    @Test
    void anOldMarkerMakesTheGraphStale() {
        freshness.marker(MARKER, at(0));
        freshness.contact(at(46), 0);
        assertNull(freshness.problem(at(45)), "45 s is still young enough");
        assertTrue(freshness.problem(at(46)).contains("imageprune.state.max-marker-age=PT45S"), freshness.problem(at(46)));
    }

    @Test
    void aReplayForgetsThePositionButNotTheLastFault() {
        freshness.contact(at(1), 0);
        freshness.marker(MARKER.withFault("watch lost: Pod"), at(2));
        freshness.reset();
        assertEquals(-1, freshness.lag(at(3)));
        freshness.contact(at(3), 0);
        freshness.marker(MARKER, at(1));
        assertTrue(freshness.problem(at(3)).startsWith("waiting for a sync marker newer than the fault"));
    }

    @Test
    void boundsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new Freshness(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Freshness(Duration.ofSeconds(1), Duration.ofSeconds(-1)));
    }
}
