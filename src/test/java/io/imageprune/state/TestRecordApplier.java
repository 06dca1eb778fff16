package io.imageprune.state;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.projection.ObjectKey;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.projection.SyncMarker;

import java.util.List;
import java.util.Map;

/**
 * A test-side stand-in for the cluster-state consumer: applies one record of {@code imageprune.cluster-state} to a
 * {@link ReferenceGraph}, exactly as the production consumer is meant to (decode, then put; tombstone, then remove).
 * Sync markers carry no object and change nothing. Deliberately independent of (and named apart from) the production
 * {@code io.imageprune.state.RecordApplier}, so that a test class never shadows it.
 */
final class TestRecordApplier {
    private static final ProjectionCodec CODEC = new ProjectionCodec();

    private TestRecordApplier() {
    }

    /** Applies one record: {@code value == null} is a tombstone. */
    static void apply(ReferenceGraph graph, String key, byte[] value) {
        ObjectKey k = ProjectionKeys.parse(key);
        if (value == null) {
            remove(graph, k);
            return;
        }
        Object decoded = CODEC.decode(key, value);
        if (!(decoded instanceof SyncMarker)) {
            put(graph, decoded);
        }
    }

    /**
     * Applies a record, decoding its value only the first time it is seen ({@code decoded} is keyed by the identity of
     * the value array). Decoding is pure, so the graph ends up the same; this only spares decoding the same bytes again
     * when a log is replayed many times.
     */
    static void apply(ReferenceGraph graph, ClusterHistory.Record record, Map<byte[], Object> decoded) {
        if (record.value() == null) {
            remove(graph, ProjectionKeys.parse(record.key()));
            return;
        }
        Object o = decoded.computeIfAbsent(record.value(), v -> CODEC.decode(record.key(), v));
        if (!(o instanceof SyncMarker)) {
            put(graph, o);
        }
    }

    /** A graph built by a consumer that reads these records from the beginning, with a decoding cache. */
    static ReferenceGraph replay(List<ClusterHistory.Record> records, Map<byte[], Object> decoded) {
        ReferenceGraph g = new ReferenceGraph();
        for (ClusterHistory.Record r : records) {
            apply(g, r, decoded);
        }
        return g;
    }

    static void apply(ReferenceGraph graph, ClusterHistory.Record record) {
        apply(graph, record.key(), record.value());
    }

    /** The object of a record that is not a tombstone. */
    static Object decode(ClusterHistory.Record record) {
        return CODEC.decode(record.key(), record.value());
    }

    /** Applies records {@code [from, to)} of a log, in order. */
    static void applyAll(ReferenceGraph graph, List<ClusterHistory.Record> log, int from, int to) {
        for (int i = from; i < to; i++) {
            apply(graph, log.get(i));
        }
    }

    /** A graph built by a consumer that reads these records from the beginning. */
    static ReferenceGraph replay(List<ClusterHistory.Record> records) {
        ReferenceGraph g = new ReferenceGraph();
        applyAll(g, records, 0, records.size());
        return g;
    }

    private static void remove(ReferenceGraph graph, ObjectKey k) {
        switch (k.kind()) {
            case ProjectionKeys.IMAGE -> graph.removeImage(k.name());
            case ProjectionKeys.IMAGE_STREAM -> graph.removeStream(k.namespace(), k.name());
            case ProjectionKeys.LIMIT_RANGE -> graph.removeLimitRange(k.namespace(), k.name());
            case ProjectionKeys.SYNC_MARKER -> {
            }
            default -> {
                ReferrerKind kind = k.referrerKind();
                if (kind == null) {
                    throw new IllegalStateException("tombstone of an unknown kind: " + k.key());
                }
                graph.removeReferrer(kind, k.namespace(), k.name());
            }
        }
    }

    /** Puts a model object straight into a graph (the fresh, snapshot-built side). */
    static void put(ReferenceGraph graph, Object o) {
        if (o instanceof Image i) {
            graph.putImage(i);
        } else if (o instanceof ImageStream s) {
            graph.putStream(s);
        } else if (o instanceof Referrer r) {
            graph.putReferrer(r);
        } else if (o instanceof LimitRange l) {
            graph.putLimitRange(l);
        } else {
            throw new IllegalArgumentException("not a graph object: " + o);
        }
    }
}
