package io.imageprune.snapshot;

import io.imageprune.referrers.ExtraKinds;
import io.imageprune.model.CustomReferrer;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Namespace;
import io.imageprune.model.Referrer;

import java.util.function.Consumer;

/**
 * Receives the objects of a snapshot one at a time, in document order, as {@link SnapshotLoader} converts them. Every
 * method does nothing by default. An exception thrown by the sink stops the load and propagates unchanged.
 *
 * <p>A method per kind, rather than one taking any object, so that a sink says which kinds it takes: the sinks repeat
 * the shape of this interface (the duplicates tool pairs them), each with what it does with its kinds, and a sink
 * doing the same with every kind is {@link #everyObject}.
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

    /** A sink that passes every object, whatever its kind, to {@code each}. */
    static SnapshotSink everyObject(Consumer<Object> each) {
        return new SnapshotSink() {
            @Override
            public void image(Image image) {
                each.accept(image);
            }

            @Override
            public void imageStream(ImageStream stream) {
                each.accept(stream);
            }

            @Override
            public void referrer(Referrer referrer) {
                each.accept(referrer);
            }

            @Override
            public void limitRange(LimitRange limitRange) {
                each.accept(limitRange);
            }

            @Override
            public void customReferrer(CustomReferrer referrer) {
                each.accept(referrer);
            }

            @Override
            public void namespace(Namespace namespace) {
                each.accept(namespace);
            }
        };
    }
}
