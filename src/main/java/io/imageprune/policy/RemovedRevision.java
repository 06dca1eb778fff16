package io.imageprune.policy;

import java.time.Instant;

/**
 * A revision that stage 1 removes from a stream; {@code index} is its position in the tag's original history.
 *
 * @param created the tag event's time, or null when unknown. With tag and image it tells the removed revision apart
 *                from a later revision of the same image in the same tag (a re-tag), which the last-moment check
 *                must not mistake for the one the run removed.
 */
public record RemovedRevision(String tag, int index, String image, Rule rule, Instant created) {

    /** A removed revision without its event time: it stands for any revision of the image in the tag. */
    public RemovedRevision(String tag, int index, String image, Rule rule) {
        this(tag, index, image, rule, null);
    }
}
