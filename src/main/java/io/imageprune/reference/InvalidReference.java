package io.imageprune.reference;

import java.util.Objects;

/**
 * One reference that does not parse, as its holder wrote it: what an invalid-reference message says, kept in parts so
 * that contain mode can work out what the reference could name ({@link CouldName}).
 *
 * @param kind      {@link ReferrerReferences#KIND_IMAGE} (a pull spec), {@link ReferrerReferences#KIND_IMAGE_STREAM_TAG}
 *                  or {@link ReferrerReferences#KIND_IMAGE_STREAM_IMAGE}
 * @param reference the string as written
 * @param namespace the namespace the reference is resolved in: an object reference's own namespace, else the holder's
 *                  ({@code ""} for a cluster-scoped holder)
 * @param message   the invalid-reference message in algorithm §4.4 format
 */
public record InvalidReference(String kind, String reference, String namespace, String message) {
    public InvalidReference {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(message, "message");
    }

    /** What the reference could name, read from its parts that do parse. */
    public CouldName couldName() {
        return CouldName.of(this);
    }
}
