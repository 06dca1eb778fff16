package io.imageprune.reference;

import java.util.Objects;

/**
 * A reference that protects stream revisions (algorithm §4.3, §5.3): either an image stream tag
 * {@code namespace/stream:tag} (the "used tags" map) or an image in a stream {@code namespace/stream@digest} (the
 * "used images" map). The registry host of the original pull spec plays no part.
 *
 * @param value the tag for {@link Type#TAG}, the digest (or, for an ImageStreamImage build source, the unvalidated
 *              id) for {@link Type#IMAGE}
 */
public record ImageRef(Type type, String namespace, String stream, String value) {

    public enum Type {
        /** An ImageStreamTag reference: protects revision 0 of the tag. */
        TAG,
        /** An ImageStreamImage reference: protects the revisions of that digest in the stream. */
        IMAGE
    }

    public ImageRef {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(value, "value");
    }

    public static ImageRef tag(String namespace, String stream, String tag) {
        return new ImageRef(Type.TAG, namespace, stream, tag);
    }

    public static ImageRef image(String namespace, String stream, String digest) {
        return new ImageRef(Type.IMAGE, namespace, stream, digest);
    }

    /** {@code namespace/stream:tag} or {@code namespace/stream@digest}, as oc prints them. */
    public String key() {
        return namespace + "/" + stream + (type == Type.TAG ? ":" : "@") + value;
    }

    @Override
    public String toString() {
        return key();
    }
}
