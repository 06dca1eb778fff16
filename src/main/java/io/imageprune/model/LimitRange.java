package io.imageprune.model;

import java.util.List;
import java.util.Objects;

/**
 * A LimitRange reduced to what size mode reads: the {@code max.storage} of each {@code openshift.io/Image} item, in
 * whole bytes (rounded down, which keeps "max &lt; image size" exact for integral sizes).
 */
public record LimitRange(String namespace, String name, List<Long> imageMaxStorage) {
    public LimitRange {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        imageMaxStorage = imageMaxStorage == null ? List.of() : List.copyOf(imageMaxStorage);
    }
}
