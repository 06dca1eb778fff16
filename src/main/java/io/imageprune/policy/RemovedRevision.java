package io.imageprune.policy;

/** A revision that stage 1 removes from a stream; {@code index} is its position in the tag's original history. */
public record RemovedRevision(String tag, int index, String image, Rule rule) {
}
