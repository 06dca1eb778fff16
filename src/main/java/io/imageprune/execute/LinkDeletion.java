package io.imageprune.execute;

/** A repository-level deletion: a layer/config link or a manifest link of {@code digest} in {@code repo}. */
public record LinkDeletion(String repo, String digest) {
}
