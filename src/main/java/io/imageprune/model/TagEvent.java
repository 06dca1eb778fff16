package io.imageprune.model;

import java.time.Instant;
import java.util.Objects;

/** One revision of a tag's history ({@code status.tags[].items[]}): the image it pointed at and when. */
public record TagEvent(String image, Instant created) {
    public TagEvent {
        Objects.requireNonNull(image, "image");
        created = Times.orZero(created);
    }
}
