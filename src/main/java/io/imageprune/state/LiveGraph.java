package io.imageprune.state;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.NamespaceScope;
import io.imageprune.model.ReferrerKind;
import io.imageprune.projection.SyncMarker;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The reference graph the state consumer keeps, shared with the REST API: one writer (the consumer, in batches) and
 * any number of readers (planning). Also holds whether the graph may be trusted: "synced" only after the consumer
 * caught up with the topic and saw the ingest's sync marker, and only while it is fresh ({@link Freshness}: the broker
 * answers, the lag is known, and a recent sync marker newer than every fault seen was read). Synced, its reason and
 * the lag are evaluated at the moment they are asked for, so a consumer stuck on a dead broker cannot hold them.
 */
@ApplicationScoped
public class LiveGraph {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Freshness freshness;
    private final UnreadableKeys unreadable;
    private ReferenceGraph graph = new ReferenceGraph();
    private volatile boolean synced;
    private volatile String notSyncedReason = "the state consumer has not started";
    private volatile SyncMarker lastMarker;
    private final List<RecordApplier.ChangeListener> listeners = new CopyOnWriteArrayList<>();

    public LiveGraph(ImagePruneConfig config) {
        this.freshness = new Freshness(config.state().maxStaleness(), config.state().maxMarkerAge());
        this.unreadable = new UnreadableKeys(config.state().acknowledgedUnreadable().orElse(java.util.Set.of()));
        if (config.ingest().enabled()) {
            // the topic's markers come from before this process: while it was down, nobody watched the cluster (a pod
            // created then may name an old image), so only a marker written after its own ingest listed counts
            freshness.fault(Instant.now(), "this process's ingest has not listed the cluster since it started");
        }
    }

    public <T> T read(Function<ReferenceGraph, T> reader) {
        lock.readLock().lock();
        try {
            return reader.apply(graph);
        } finally {
            lock.readLock().unlock();
        }
    }

    public void write(Consumer<ReferenceGraph> writer) {
        lock.writeLock().lock();
        try {
            writer.accept(graph);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Forgets everything: the consumer replays the topic from the start. */
    public void reset(String reason) {
        // unmarked first: whoever checks "synced" under the read lock never sees the emptied graph as synced
        markNotSynced(reason);
        write(g -> graph = new ReferenceGraph());
        lastMarker = null;
        freshness.reset();
        unreadable.reset();
    }

    /** Registers a listener told of every object change applied to the graph (on the consumer's thread). */
    public void onChange(RecordApplier.ChangeListener listener) {
        listeners.add(listener);
    }

    void changed(Object before, Object after) {
        for (RecordApplier.ChangeListener listener : listeners) {
            listener.changed(before, after);
        }
    }

    public boolean synced() {
        return synced && unreadable.blockingCount() == 0 && freshness.problem(Instant.now()) == null;
    }

    /** Why the graph is not synced, or null when it is; an unreachable broker is named first. */
    public String notSyncedReason() {
        Instant now = Instant.now();
        String unreachable = freshness.unreachable(now);
        if (unreachable != null) {
            return unreachable;
        }
        if (!synced) {
            return notSyncedReason;
        }
        String unreadableProblem = unreadable.problem();
        return unreadableProblem != null ? unreadableProblem : freshness.problem(now);
    }

    /** The keys whose newest record cannot be read; the consumer reports them here. */
    UnreadableKeys unreadableKeys() {
        return unreadable;
    }

    /** Keys whose newest record cannot be read and that are not acknowledged (they keep the graph not synced). */
    public int unreadableKeyCount() {
        return unreadable.blockingCount();
    }

    /** For the status API: how many keys are unreadable, the first of them, and the acknowledged ones met. */
    public Map<String, Object> unreadableStatus() {
        return unreadable.status();
    }

    /** Whether the consumer has replayed up to the sync barrier (freshness aside). */
    boolean isMarkedSynced() {
        return synced;
    }

    void markSynced() {
        synced = true;
    }

    public void markNotSynced(String reason) {
        notSyncedReason = reason;
        synced = false;
    }

    public SyncMarker lastMarker() {
        return lastMarker;
    }

    /**
     * The namespaces the graph covers: the scope of the newest sync marker without a fault (by record time, so an old
     * marker of another ingest replayed later does not count), unknown before one is read or when it does not
     * record its scope. Streams outside it are no longer refreshed by the ingest, so nothing prunes them.
     */
    public NamespaceScope scope() {
        SyncMarker newest = freshness.newestMarker();
        return newest == null ? NamespaceScope.UNKNOWN : newest.scope();
    }

    /** A sync marker was applied; {@code writtenAt} is its record's timestamp. */
    boolean marker(SyncMarker marker, Instant writtenAt) {
        lastMarker = marker;
        return freshness.marker(marker, writtenAt);
    }

    /**
     * Records between the consumer's position and the end of the topic as last read, -1 when unknown: never read,
     * or not within {@code imageprune.state.max-staleness} (an unknown lag never counts as 0).
     */
    public long lag() {
        return freshness.lag(Instant.now());
    }

    /** The consumer read the end offsets at {@code at}: the broker answered, {@code lag} records are not applied. */
    void contact(Instant at, long lag) {
        freshness.contact(at, lag);
    }

    /** As {@link #contact(Instant, long)}, with the records not applied per partition of the state topic. */
    void contact(Instant at, Map<Integer, Long> lagPerPartition) {
        freshness.contact(at, lagPerPartition);
    }

    /** As {@link #lag()}, for one partition of the state topic (-1 also for a partition the consumer did not read). */
    public long lag(int partition) {
        return freshness.lag(partition, Instant.now());
    }

    /** The consumer starts trying to reach the broker (see {@link Freshness#connecting(Instant)}). */
    void connecting(Instant at) {
        freshness.connecting(at);
    }

    /** 1 while the consumer reads the end offsets, 0 while Kafka is unreachable (from the start too), -1 unknown. */
    public int kafkaConnected() {
        return freshness.connected(Instant.now());
    }

    /** The consumer could not read the end offsets. */
    void unreachable(Instant at, String cause) {
        freshness.unreachable(at, cause);
    }

    Duration maxStaleness() {
        return freshness.maxStaleness();
    }

    /** Seconds since the consumer last read the end offsets, -1 when never. */
    public double stalenessSeconds() {
        return freshness.stalenessSeconds(Instant.now());
    }

    /** Seconds since the newest sync marker without a fault was written, -1 when none was read. */
    public double markerAgeSeconds() {
        return freshness.markerAgeSeconds(Instant.now());
    }

    /** The Kafka connection as the consumer sees it: state, since when unreachable, the position's age. */
    public Map<String, Object> kafkaStatus() {
        return freshness.kafkaStatus(Instant.now());
    }

    /** The newest sync marker's age and the last ingest fault seen. */
    public Map<String, Object> markerStatus() {
        return freshness.markerStatus(Instant.now());
    }

    /** Objects in the graph per kind, from the graph's counters (no walk over its objects). */
    public Map<String, Integer> objectsPerKind() {
        return read(g -> {
            Map<String, Integer> counts = new TreeMap<>();
            counts.put("Image", g.imageCount());
            counts.put("ImageStream", g.streamCount());
            counts.put("LimitRange", g.limitRangeCount());
            for (ReferrerKind kind : ReferrerKind.values()) {
                counts.put(kind.kind(), g.referrerCount(kind));
            }
            return counts;
        });
    }
}
