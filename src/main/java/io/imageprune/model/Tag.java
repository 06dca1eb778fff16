package io.imageprune.model;

import java.util.List;
import java.util.Objects;

/** A tag's history, newest revision first (index 0 is the tag's current image). */
public record Tag(String name, List<TagEvent> items) {
    public Tag {
        Objects.requireNonNull(name, "name");
        items = items == null ? List.of() : List.copyOf(items);
    }
}
