package io.imageprune.state;

import io.imageprune.projection.SyncMarker;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Whether what the graph believes is current, apart from having replayed the topic: the consumer read the topic's end
 * offsets (so its lag is known) within {@code max-staleness}, and the newest sync marker is younger than
 * {@code max-marker-age} and newer than every fault seen since (a fault marker of an ingest, or this consumer losing
 * the broker: changes made meanwhile may not have reached the topic yet). Thread-safe: the consumer writes, anyone
 * reads.
 */
final class Freshness {
    private final Duration maxStaleness;
    private final Duration maxMarkerAge;

    private Instant lastContact;
    /** When the consumer began trying to reach the broker without having read the end offsets since. */
    private Instant connectingSince;
    private long lag = -1;
    private SortedMap<Integer, Long> partitionLag = new TreeMap<>();
    private Instant unreachableSince;
    private String unreachableCause;
    private SyncMarker newestMarker;
    /** The highest listing epoch of any marker read: a marker above it closes a new listing. */
    private long newestEpoch;
    private Instant newestMarkerAt;
    private Instant faultAt;
    private String fault;

    Freshness(Duration maxStaleness, Duration maxMarkerAge) {
        if (maxStaleness == null || maxStaleness.isZero() || maxStaleness.isNegative()) {
            throw new IllegalArgumentException("imageprune.state.max-staleness must be positive, got " + maxStaleness);
        }
        if (maxMarkerAge == null || maxMarkerAge.isZero() || maxMarkerAge.isNegative()) {
            throw new IllegalArgumentException("imageprune.state.max-marker-age must be positive, got " + maxMarkerAge);
        }
        this.maxStaleness = maxStaleness;
        this.maxMarkerAge = maxMarkerAge;
    }

    Duration maxStaleness() {
        return maxStaleness;
    }

    /** The consumer read the end offsets: the broker is reachable and the lag is known, per partition. */
    synchronized void contact(Instant at, Map<Integer, Long> lagPerPartition) {
        contact(at, lagPerPartition.values().stream().mapToLong(Long::longValue).sum());
        partitionLag = new TreeMap<>(lagPerPartition);
    }

    /**
     * The consumer starts (or starts again) to reach the broker. Until it reads the end offsets, a broker that does not
     * answer for {@code max-staleness} counts as unreachable from the first such attempt on, as a broker lost later
     * does: an outage at start is named, not "unknown".
     */
    synchronized void connecting(Instant at) {
        if (connectingSince == null) {
            connectingSince = at;
        }
    }

    /** The consumer read the end offsets: the broker is reachable and the lag is known. */
    synchronized void contact(Instant at, long lag) {
        if (unreachableSince != null) {
            // changes published while this consumer was cut off may still be on their way: wait for a newer marker
            recordFault(unreachableSince, "Kafka was unreachable from " + unreachableSince + " to " + at);
            unreachableSince = null;
            unreachableCause = null;
        }
        lastContact = at;
        connectingSince = null;
        this.lag = lag;
    }

    /** Reading the end offsets failed; the first failure after a contact dates the outage. */
    synchronized void unreachable(Instant at, String cause) {
        if (unreachableSince == null) {
            unreachableSince = at;
        }
        unreachableCause = cause;
    }

    /**
     * A sync marker was applied; {@code writtenAt} is its record's timestamp.
     *
     * @return whether it ends a fault or closes a new listing (a higher epoch: an ingest started, e.g. restarted after
     *         a kill while this process kept its graph, whose markers had merely aged out): what was published before
     *         it (the listing) may still be unapplied on other partitions, so the caller must catch up with the end
     *         offsets as read now before trusting the graph
     */
    synchronized boolean marker(SyncMarker marker, Instant writtenAt) {
        if (marker.fault() != null) {
            recordFault(writtenAt, "ingest " + marker.ingestId() + " reported: " + marker.fault());
            return false;
        }
        boolean faulted = faultAt != null && (newestMarkerAt == null || !newestMarkerAt.isAfter(faultAt));
        boolean newListing = newestMarker != null && marker.epoch() > newestEpoch;
        newestEpoch = Math.max(newestEpoch, marker.epoch());
        if (newestMarkerAt == null || !writtenAt.isBefore(newestMarkerAt)) {
            newestMarker = marker;
            newestMarkerAt = writtenAt;
        }
        return newListing || faulted && newestMarkerAt.isAfter(faultAt);
    }

    /** The newest sync marker without a fault (by record time), or null. */
    synchronized SyncMarker newestMarker() {
        return newestMarker;
    }

    /**
     * Something at {@code at} may have changed the cluster without reaching the topic (e.g. this process's own ingest
     * had not been watching before it started): only a marker written after it counts.
     */
    synchronized void fault(Instant at, String why) {
        recordFault(at, why);
    }

    private void recordFault(Instant at, String why) {
        if (faultAt == null || !at.isBefore(faultAt)) {
            faultAt = at;
            fault = why;
        }
    }

    /** Records between the consumer's position and the end offsets, -1 when unknown (never read, or too long ago). */
    synchronized long lag(Instant now) {
        return contactProblem(now) == null ? lag : -1;
    }

    /** As {@link #lag(Instant)}, for one partition of the state topic; -1 also for a partition not read. */
    synchronized long lag(int partition, Instant now) {
        return contactProblem(now) == null ? partitionLag.getOrDefault(partition, -1L) : -1;
    }

    /** The partitions of the last read of the end offsets, each with its lag as {@link #lag(int, Instant)}. */
    private Map<String, Long> lagPerPartition(Instant now) {
        Map<String, Long> lags = new LinkedHashMap<>();
        partitionLag.keySet().forEach(partition -> lags.put(Integer.toString(partition), lag(partition, now)));
        return lags;
    }

    /** Why the graph is not fresh at {@code now}, or null when it is. */
    synchronized String problem(Instant now) {
        String contact = contactProblem(now);
        if (contact != null) {
            return contact;
        }
        if (newestMarkerAt == null) {
            return "no sync marker read yet";
        }
        if (faultAt != null && !newestMarkerAt.isAfter(faultAt)) {
            return "waiting for a sync marker newer than the fault at " + faultAt + " (" + fault + ")";
        }
        Duration age = Duration.between(newestMarkerAt, now);
        if (age.compareTo(maxMarkerAge) > 0) {
            return "the newest sync marker (ingest " + newestMarker.ingestId() + ", written " + newestMarkerAt
                    + ") is " + age.toSeconds() + " s old, more than imageprune.state.max-marker-age=" + maxMarkerAge
                    + ": is the ingest running and able to publish?";
        }
        return null;
    }

    private String contactProblem(Instant now) {
        String unreachable = unreachable(now);
        if (unreachable != null) {
            return unreachable;
        }
        return lastContact == null ? "the state consumer has not read the end offsets of the state topic yet" : null;
    }

    /** "Kafka unreachable since …" when reading the end offsets failed or has not succeeded for too long, else null. */
    synchronized String unreachable(Instant now) {
        if (unreachableSince != null) {
            return "Kafka unreachable since " + unreachableSince + ": " + unreachableCause;
        }
        if (lastContact != null && Duration.between(lastContact, now).compareTo(maxStaleness) > 0) {
            return "Kafka unreachable since " + lastContact + ": no answer to the state consumer for more than "
                    + "imageprune.state.max-staleness=" + maxStaleness;
        }
        if (lastContact == null && unansweredSinceConnecting(now)) {
            return "Kafka unreachable since " + connectingSince + ": no answer to the state consumer since it started "
                    + "trying, for more than imageprune.state.max-staleness=" + maxStaleness;
        }
        return null;
    }

    private boolean unansweredSinceConnecting(Instant now) {
        return connectingSince != null && Duration.between(connectingSince, now).compareTo(maxStaleness) > 0;
    }

    /** Since when Kafka has not answered, when it counts as unreachable at {@code now}; else null. */
    private Instant outageSince(Instant now) {
        if (unreachable(now) == null) {
            return null;
        }
        return unreachableSince != null ? unreachableSince : lastContact != null ? lastContact : connectingSince;
    }

    /** For the gauge: 1 connected, 0 unreachable (also since the start), -1 unknown (not tried for long enough). */
    synchronized int connected(Instant now) {
        return contactProblem(now) == null ? 1 : unreachable(now) != null ? 0 : -1;
    }

    /** Seconds since the end offsets were last read, -1 when never. */
    synchronized double stalenessSeconds(Instant now) {
        return lastContact == null ? -1 : Duration.between(lastContact, now).toMillis() / 1000.0;
    }

    /** Seconds since the newest sync marker without a fault was written, -1 when none was read. */
    synchronized double markerAgeSeconds(Instant now) {
        return newestMarkerAt == null ? -1 : Duration.between(newestMarkerAt, now).toMillis() / 1000.0;
    }

    /** Kafka's side for the status API: connection state, last contact, position's age. */
    synchronized Map<String, Object> kafkaStatus(Instant now) {
        Map<String, Object> status = new LinkedHashMap<>();
        String contact = contactProblem(now);
        Instant outage = outageSince(now);
        status.put("state", contact == null ? "CONNECTED" : outage != null ? "UNREACHABLE" : "UNKNOWN");
        status.put("unreachableSince", outage == null ? null : outage.toString());
        status.put("reason", contact);
        status.put("lastEndOffsetsRead", lastContact == null ? null : lastContact.toString());
        status.put("positionAgeSeconds", lastContact == null ? null : stalenessSeconds(now));
        status.put("lagPerPartition", lagPerPartition(now));
        status.put("maxStaleness", maxStaleness.toString());
        return status;
    }

    /** The ingest's side for the status API: the newest marker's age and the last fault. */
    synchronized Map<String, Object> markerStatus(Instant now) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("ingestId", newestMarker == null ? null : newestMarker.ingestId());
        status.put("writtenAt", newestMarkerAt == null ? null : newestMarkerAt.toString());
        status.put("ageSeconds", newestMarkerAt == null ? null : markerAgeSeconds(now));
        status.put("maxAge", maxMarkerAge.toString());
        status.put("lastFaultAt", faultAt == null ? null : faultAt.toString());
        status.put("lastFault", fault);
        return status;
    }

    /**
     * The consumer replays from the start: position and markers are forgotten; an outage and the last fault are not
     * (markers written before them still do not count when replayed).
     */
    synchronized void reset() {
        lastContact = null;
        lag = -1;
        partitionLag = new TreeMap<>();
        newestMarker = null;
        newestMarkerAt = null;
        newestEpoch = 0;
    }
}
