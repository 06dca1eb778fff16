package io.imageprune.projection;

import io.imageprune.model.ReferrerKind;

import java.util.Objects;

/**
 * A parsed record key of {@code imageprune.cluster-state}: {@code <kind>/<namespace>/<name>}. The namespace is empty
 * for the cluster-scoped kinds ({@code Image}, {@code SyncMarker}).
 */
public record ObjectKey(String kind, String namespace, String name) {
    public ObjectKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    /** The key text, {@code <kind>/<namespace>/<name>}. */
    public String key() {
        return kind + "/" + namespace + "/" + name;
    }

    /** The referrer kind of this key, or {@code null} when it is not a referrer (Image, ImageStream, ...). */
    public ReferrerKind referrerKind() {
        return ReferrerKind.ofKind(kind);
    }
}
