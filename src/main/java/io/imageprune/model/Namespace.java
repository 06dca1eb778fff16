package io.imageprune.model;

import java.util.Objects;

/** A Namespace, reduced to the admin's annotations on it (protection and per-namespace policy). */
public record Namespace(String name, AdminAnnotations annotations) {
    public Namespace {
        Objects.requireNonNull(name, "name");
        annotations = annotations == null ? AdminAnnotations.NONE : annotations;
    }
}
