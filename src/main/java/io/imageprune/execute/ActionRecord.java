package io.imageprune.execute;

import io.imageprune.policy.Rule;

/**
 * One action of a run and how it ended: what the audit topic publishes and the run report lists.
 *
 * @param target     the image name (digest) for images and blobs, {@code <ns>/<name>} for streams, the digest for links
 * @param repository {@code <ns>/<name>} for stream updates and links, "" for global blobs and images
 * @param digest     the digest acted on, "" for stream updates
 * @param bytes      bytes this action reclaims when it succeeds (layer blobs only; 0 otherwise)
 * @param rule       the rule that decided the action
 * @param error      the failure text for {@link Outcome#FAILED}, the reason for an action not attempted, else null
 */
public record ActionRecord(ActionKind kind, String target, String repository, String digest, long bytes, Rule rule,
                           Outcome outcome, String error) {
    public ActionRecord {
        repository = repository == null ? "" : repository;
        digest = digest == null ? "" : digest;
    }
}
