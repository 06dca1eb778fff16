package io.imageprune.snapshot;

import io.imageprune.model.CustomReferrer;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Namespace;
import io.imageprune.model.Referrer;

/**
 * Receives the objects of a snapshot one at a time, in document order, as {@link SnapshotLoader} converts them. Every
 * method does nothing by default. An exception thrown by the sink stops the load and propagates unchanged.
 */
public interface SnapshotSink {
    default void image(Image image) {
    }

    default void imageStream(ImageStream stream) {
    }

    /** A Pod, workload, Build or BuildConfig (see {@link io.imageprune.model.ReferrerKind}). */
    default void referrer(Referrer referrer) {
    }

    default void limitRange(LimitRange limitRange) {
    }

    /** A custom resource holding images (only with {@link ExtraKinds} configured). */
    default void customReferrer(CustomReferrer referrer) {
    }

    /** A Namespace (read for its admin annotations). */
    default void namespace(Namespace namespace) {
    }
}
