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

/**
 * Applies one record of the state topic to a graph: a projection replaces the object, a tombstone removes it.
 * Applying the same record twice leaves the graph as applying it once, so redelivery is harmless.
 */
public final class RecordApplier {
    /** What a record was, for metrics and the sync barrier. */
    public enum Outcome { PUT, REMOVED, ABSENT, SYNC_MARKER }

    private final ProjectionCodec codec;

    public RecordApplier(ProjectionCodec codec) {
        this.codec = codec;
    }

    /**
     * @param marker receives the sync marker when the record is one
     * @throws io.imageprune.projection.ProjectionException when the key or value cannot be read; the graph is then
     *                                                      unchanged
     */
    public Outcome apply(ReferenceGraph graph, String key, byte[] value, java.util.function.Consumer<SyncMarker> marker) {
        ObjectKey id = ProjectionKeys.parse(key);
        if (value == null) {
            return remove(graph, id) ? Outcome.REMOVED : Outcome.ABSENT;
        }
        Object object = codec.decode(key, value);
        if (object instanceof Image image) {
            graph.putImage(image);
        } else if (object instanceof ImageStream stream) {
            graph.putStream(stream);
        } else if (object instanceof Referrer referrer) {
            graph.putReferrer(referrer);
        } else if (object instanceof LimitRange limitRange) {
            graph.putLimitRange(limitRange);
        } else if (object instanceof SyncMarker syncMarker) {
            marker.accept(syncMarker);
            return Outcome.SYNC_MARKER;
        } else {
            throw new IllegalStateException("no graph operation for " + object.getClass().getSimpleName());
        }
        return Outcome.PUT;
    }

    private static boolean remove(ReferenceGraph graph, ObjectKey id) {
        return switch (id.kind()) {
            case "Image" -> graph.removeImage(id.name());
            case "ImageStream" -> graph.removeStream(id.namespace(), id.name());
            case "LimitRange" -> graph.removeLimitRange(id.namespace(), id.name());
            case "SyncMarker" -> false;
            default -> graph.removeReferrer(ReferrerKind.ofKind(id.kind()), id.namespace(), id.name());
        };
    }
}
