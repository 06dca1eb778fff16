package io.imageprune.state;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.ReferrerKind;
import io.imageprune.projection.SyncMarker;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The reference graph the state consumer keeps, shared with the REST API: one writer (the consumer, in batches) and
 * any number of readers (planning). Also holds whether the graph may be trusted: "synced" only after the consumer
 * caught up with the topic and saw the ingest's sync marker.
 */
@ApplicationScoped
public class LiveGraph {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private ReferenceGraph graph = new ReferenceGraph();
    private volatile boolean synced;
    private volatile String notSyncedReason = "the state consumer has not started";
    private volatile SyncMarker lastMarker;
    private volatile long lag = -1;
    private final List<RecordApplier.ChangeListener> listeners = new CopyOnWriteArrayList<>();

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
        lag = -1;
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
        return synced;
    }

    /** Why the graph is not synced, or null when it is. */
    public String notSyncedReason() {
        return synced ? null : notSyncedReason;
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

    void lastMarker(SyncMarker marker) {
        lastMarker = marker;
    }

    /** Records between the consumer's position and the end of the topic, -1 when unknown. */
    public long lag() {
        return lag;
    }

    void lag(long lag) {
        this.lag = lag;
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
