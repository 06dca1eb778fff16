package io.imageprune.state;

import io.imageprune.graph.ReferrerEntry;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.ReferrerKind;
import io.imageprune.projection.ObjectKey;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.projection.SyncMarker;
import org.jboss.logging.Logger;

/**
 * Applies one record of the state topic to a graph: a projection replaces the object, a tombstone removes it.
 * Applying the same record twice leaves the graph as applying it once, so redelivery is harmless.
 */
public final class RecordApplier {
    private static final Logger LOG = Logger.getLogger(RecordApplier.class);

    /** What a record was, for metrics and the sync barrier. */
    public enum Outcome { PUT, REMOVED, ABSENT, SYNC_MARKER }

    /** Told of every object change the graph takes, with the object before and after (null: absent). */
    @FunctionalInterface
    public interface ChangeListener {
        void changed(Object before, Object after);
    }

    private final ProjectionCodec codec;
    private final ChangeListener listener;
    private final UnreadableKeys unreadable;

    public RecordApplier(ProjectionCodec codec) {
        this(codec, null);
    }

    public RecordApplier(ProjectionCodec codec, ChangeListener listener) {
        this(codec, listener, new UnreadableKeys(java.util.Set.of()));
    }

    RecordApplier(ProjectionCodec codec, ChangeListener listener, UnreadableKeys unreadable) {
        this.codec = codec;
        this.listener = listener;
        this.unreadable = unreadable;
    }

    /**
     * @param marker receives the sync marker when the record is one
     * @throws io.imageprune.projection.ProjectionException when the key or value cannot be read; the graph is then
     *                                                      unchanged, and the caller reports the record
     *                                                      {@link #unreadable}
     */
    public Outcome apply(ReferenceGraph graph, String key, byte[] value, java.util.function.Consumer<SyncMarker> marker) {
        Outcome outcome = applyReadable(graph, key, value, marker);
        unreadable.readable(key);
        return outcome;
    }

    /**
     * The newest record of {@code key} cannot be read (it does not decode, has an unknown schema version, or is not
     * trusted): the graph no longer knows what the object is, so it is not synced until a readable record or a
     * tombstone of the key is applied, or the key is acknowledged. Every check that rejects a record calls this.
     *
     * @param origin where the record is (topic-partition@offset), for the status and the logs
     */
    public void unreadable(String key, String reason, String origin) {
        unreadable.unreadable(key, reason, origin);
    }

    private Outcome applyReadable(ReferenceGraph graph, String key, byte[] value,
                                  java.util.function.Consumer<SyncMarker> marker) {
        ObjectKey id = ProjectionKeys.parse(key);
        if (value == null) {
            Object before = listener == null ? null : current(graph, id);
            if (!remove(graph, id)) {
                return Outcome.ABSENT;
            }
            if (listener != null) {
                listener.changed(before, null);
            }
            return Outcome.REMOVED;
        }
        Object object = codec.decode(key, value);
        if (object instanceof SyncMarker syncMarker) {
            marker.accept(syncMarker);
            return Outcome.SYNC_MARKER;
        }
        Object before = listener == null ? null : current(graph, id);
        graph.put(object);
        // kept in the graph (dropped, it would stop protecting what it holds); the planner treats it as invalid
        graph.identityProblems(object).forEach(problem -> LOG.warnf(
                "identity not safe in a URL, treated as an invalid reference: %s", problem));
        if (listener != null) {
            listener.changed(before, object);
        }
        return Outcome.PUT;
    }

    private static Object current(ReferenceGraph graph, ObjectKey id) {
        return switch (id.kind()) {
            case "Image" -> graph.image(id.name());
            case "ImageStream" -> graph.stream(id.namespace() + "/" + id.name());
            case "LimitRange", "SyncMarker", "Namespace" -> null;
            default -> {
                if (ReferrerKind.ofKind(id.kind()) == null) {
                    yield null; // a custom resource holder: nothing event-driven pruning watches
                }
                ReferrerEntry entry = graph.referrer(ReferrerKind.ofKind(id.kind()), id.namespace(), id.name());
                yield entry == null ? null : entry.referrer();
            }
        };
    }

    private static boolean remove(ReferenceGraph graph, ObjectKey id) {
        return switch (id.kind()) {
            case "Image" -> graph.removeImage(id.name());
            case "ImageStream" -> graph.removeStream(id.namespace(), id.name());
            case "LimitRange" -> graph.removeLimitRange(id.namespace(), id.name());
            case "SyncMarker" -> false;
            case "Namespace" -> graph.removeNamespace(id.name());
            default -> ReferrerKind.ofKind(id.kind()) == null
                    ? graph.removeCustomReferrer(id.kind(), id.namespace(), id.name())
                    : graph.removeReferrer(ReferrerKind.ofKind(id.kind()), id.namespace(), id.name());
        };
    }
}
