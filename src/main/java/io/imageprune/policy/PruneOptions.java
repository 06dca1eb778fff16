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
 * @param ignoreInvalidRefs  skip unparsable references instead of refusing to plan
 * @param keepPinnedImages   safety rule 1: never delete an image whose digest a counted referrer names
 */
public record PruneOptions(Instant threshold, int keepTagRevisions, boolean pruneOverSizeLimit, boolean allImages,
                           boolean pruneRegistry, String namespace, boolean ignoreInvalidRefs,
                           boolean keepPinnedImages) {

    public PruneOptions {
        threshold = Times.orZero(threshold);
        namespace = namespace == null ? "" : namespace;
        if (keepTagRevisions < 0) {
            throw new IllegalArgumentException("keepTagRevisions must not be negative");
        }
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
                namespace, ignoreInvalidRefs, keepPinnedImages);
    }

    public boolean clusterWide() {
        return namespace.isEmpty();
    }

    public PruneOptions withKeepPinnedImages(boolean keep) {
        return new PruneOptions(threshold, keepTagRevisions, pruneOverSizeLimit, allImages, pruneRegistry, namespace,
                ignoreInvalidRefs, keep);
    }
}
