package io.imageprune.policy;

import io.imageprune.model.Times;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The options of one pruning run, already resolved to what the algorithm uses (spec §5.1).
 *
 * @param threshold          revisions, streams, images and pods created strictly after it are young;
 *                           {@link Times#ZERO} when keep-younger-than is unset
 * @param keepTagRevisions   newest revisions per tag that are kept
 * @param pruneOverSizeLimit size mode (spec §6.3 rule 4, §6.5)
 * @param allImages          false: only images annotated as managed may be deleted
 * @param pruneRegistry      false: only API objects change, no registry deletion is planned
 * @param namespace          "" for the whole cluster; otherwise only that namespace is considered and no image
 *                           or blob is deleted (spec §9)
 * @param invalidRefs        what an invalid reference or identity does to the run: stop it (oc's default), be
 *                           contained, or be ignored ({@code --ignore-invalid-refs})
 * @param keepPinnedImages   safety rule 1: never delete an image whose digest a counted referrer names
 * @param extensions         the extensions beyond oc the run applies ({@link Extensions#NONE}: oc's decisions)
 * @param now                the run's "now", from which per-scope keep-younger-than annotations are measured; null
 *                           when unknown (those annotations then cannot keep more and are reported)
 */
public record PruneOptions(Instant threshold, int keepTagRevisions, boolean pruneOverSizeLimit, boolean allImages,
                           boolean pruneRegistry, String namespace, InvalidReferenceMode invalidRefs,
                           boolean keepPinnedImages, Extensions extensions, Instant now) {

    public PruneOptions {
        threshold = Times.orZero(threshold);
        Objects.requireNonNull(invalidRefs, "invalidRefs");
        extensions = extensions == null ? Extensions.NONE : extensions;
        namespace = namespace == null ? "" : namespace;
        if (keepTagRevisions < 0) {
            throw new IllegalArgumentException("keepTagRevisions must not be negative");
        }
    }

    /** Options without extensions beyond oc (beside the pinned-image rule as given). */
    public PruneOptions(Instant threshold, int keepTagRevisions, boolean pruneOverSizeLimit, boolean allImages,
                        boolean pruneRegistry, String namespace, boolean ignoreInvalidRefs, boolean keepPinnedImages) {
        this(threshold, keepTagRevisions, pruneOverSizeLimit, allImages, pruneRegistry, namespace,
                oc(ignoreInvalidRefs), keepPinnedImages, Extensions.NONE, null);
    }

    /**
     * Options with the library's defaults for every value that is null (spec §5.1): no threshold, keep 0 revisions,
     * no size mode, all images, registry pruning on, cluster-wide.
     */
    public static PruneOptions library(Instant now, Duration keepYoungerThan, Integer keepTagRevisions,
                                       Boolean pruneOverSizeLimit, Boolean allImages, Boolean pruneRegistry,
                                       String namespace, boolean ignoreInvalidRefs, boolean keepPinnedImages) {
        Objects.requireNonNull(now, "now");
        return new PruneOptions(keepYoungerThan == null ? Times.ZERO : now.minus(keepYoungerThan),
                keepTagRevisions == null ? 0 : keepTagRevisions,
                Boolean.TRUE.equals(pruneOverSizeLimit),
                allImages == null || allImages,
                pruneRegistry == null || pruneRegistry,
                namespace, oc(ignoreInvalidRefs), keepPinnedImages, Extensions.NONE, now);
    }

    /** oc's two modes: {@code --ignore-invalid-refs} or not. */
    private static InvalidReferenceMode oc(boolean ignoreInvalidRefs) {
        return ignoreInvalidRefs ? InvalidReferenceMode.IGNORE : InvalidReferenceMode.STOP;
    }

    /** Whether invalid references are skipped as if absent (oc's {@code --ignore-invalid-refs}). */
    public boolean ignoreInvalidRefs() {
        return invalidRefs == InvalidReferenceMode.IGNORE;
    }

    public boolean clusterWide() {
        return namespace.isEmpty();
    }

    public PruneOptions withKeepPinnedImages(boolean keep) {
        return new PruneOptions(threshold, keepTagRevisions, pruneOverSizeLimit, allImages, pruneRegistry, namespace,
                invalidRefs, keep, extensions, now);
    }

    public PruneOptions withExtensions(Extensions newExtensions) {
        return new PruneOptions(threshold, keepTagRevisions, pruneOverSizeLimit, allImages, pruneRegistry, namespace,
                invalidRefs, keepPinnedImages, newExtensions, now);
    }

    public PruneOptions withInvalidRefs(InvalidReferenceMode mode) {
        return new PruneOptions(threshold, keepTagRevisions, pruneOverSizeLimit, allImages, pruneRegistry, namespace,
                mode, keepPinnedImages, extensions, now);
    }

    /**
     * {@code --oc-exact}: no extension beyond oc, no pinned-image rule, and contain mode back to oc's stop (oc's own
     * {@code --ignore-invalid-refs} stays).
     */
    public PruneOptions ocExact() {
        PruneOptions exact = withExtensions(Extensions.NONE).withKeepPinnedImages(false);
        return invalidRefs == InvalidReferenceMode.CONTAIN ? exact.withInvalidRefs(InvalidReferenceMode.STOP) : exact;
    }
}
