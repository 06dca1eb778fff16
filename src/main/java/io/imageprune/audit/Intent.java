package io.imageprune.audit;

import io.imageprune.execute.ActionKind;

/**
 * A request a confirmed run is about to send: a registry DELETE or an API write. Its identity matches the
 * {@link io.imageprune.execute.ActionRecord} its outcome will have, so the intent and the outcome of one action share
 * {@link #actionId(String)} and the Kafka key (the target).
 *
 * @param target     the image name for images and blobs, {@code <ns>/<name>} for streams, the digest for links
 * @param repository {@code <ns>/<name>} for stream updates and links, "" for global blobs and images
 * @param digest     the digest acted on, "" for stream updates
 */
public record Intent(ActionKind kind, String target, String repository, String digest) {
    public Intent {
        repository = repository == null ? "" : repository;
        digest = digest == null ? "" : digest;
    }

    /** {@code PUT …/imagestreams/<name>/status}. */
    public static Intent streamUpdate(String repo) {
        return new Intent(ActionKind.STREAM_UPDATE, repo, repo, "");
    }

    /** {@code DELETE /v2/<repo>/blobs/<digest>}. */
    public static Intent layerLink(String repo, String digest) {
        return new Intent(ActionKind.LAYER_LINK, digest, repo, digest);
    }

    /** {@code DELETE /v2/<repo>/manifests/<digest>}. */
    public static Intent manifestLink(String repo, String digest) {
        return new Intent(ActionKind.MANIFEST_LINK, digest, repo, digest);
    }

    /** {@code DELETE /admin/blobs/<digest>}. */
    public static Intent blob(String digest) {
        return new Intent(ActionKind.BLOB, digest, "", digest);
    }

    /** {@code DELETE …/images/<name>}. */
    public static Intent image(String name) {
        return new Intent(ActionKind.IMAGE, name, "", name);
    }

    /** The id of the outcome event of this action in the run (see {@link AuditEvents#actionId}). */
    public String actionId(String runId) {
        return AuditEvents.actionId(runId, kind, repository, target, digest);
    }
}
