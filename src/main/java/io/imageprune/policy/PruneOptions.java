package io.imageprune.policy;

import io.imageprune.model.NamespaceScope;
import io.imageprune.model.Times;
import io.imageprune.options.InvalidReferenceMode;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The options of one pruning run, already resolved to what the algorithm uses (algorithm §5.1).
 *
 * @param threshold          revisions, streams, images and pods created strictly after it are young;
 *                           {@link Times#ZERO} when keep-younger-than is unset
 * @param keepTagRevisions   newest revisions per tag that are kept
 * @param pruneOverSizeLimit size mode (algorithm §6.3 rule 4, §6.5)
 * @param allImages          false: only images annotated as managed may be deleted
 * @param pruneRegistry      false: only API objects change, no registry deletion is planned
 * @param namespace          "" for the whole cluster; otherwise only that namespace is considered and no image
 *                           or blob is deleted (algorithm §9)
 * @param invalidRefs        what an invalid reference or identity does to the run: stop it (oc's default), be
 *                           contained, or be ignored ({@code --ignore-invalid-refs})
 * @param keepPinnedImages   safety rule 1: never delete an image whose digest a counted referrer names
 * @param extensions         the extensions beyond oc the run applies ({@link Extensions#NONE}: oc's decisions)
 * @param now                the run's "now", from which per-scope keep-younger-than annotations are measured; null
 *                           when unknown (those annotations then cannot keep more and are reported)
 * @param graphScope         the namespaces the graph covers ({@link NamespaceScope#ALL} for a whole cluster): when
 *                           not all, the run is namespaced to them as to {@code namespace} (only their streams are
 *                           pruned, no image or blob is deleted), and an unknown scope prunes nothing
 */
public record PruneOptions(Instant threshold, int keepTagRevisions, boolean pruneOverSizeLimit, boolean allImages,
                           boolean pruneRegistry, String namespace, InvalidReferenceMode invalidRefs,
                           boolean keepPinnedImages, Extensions extensions, Instant now, NamespaceScope graphScope) {

    public PruneOptions {
        threshold = Times.orZero(threshold);
        Objects.requireNonNull(invalidRefs, "invalidRefs");
        graphScope = graphScope == null ? NamespaceScope.ALL : graphScope;
        extensions = extensions == null ? Extensions.NONE : extensions;
        namespace = namespace == null ? "" : namespace;
        if (keepTagRevisions < 0) {
            throw new IllegalArgumentException("keepTagRevisions must not be negative");
        }
    }

    /** Options over a graph of the whole cluster. */
    public PruneOptions(Instant threshold, int keepTagRevisions, boolean pruneOverSizeLimit, boolean allImages,
                        boolean pruneRegistry, String namespace, InvalidReferenceMode invalidRefs,
                        boolean keepPinnedImages, Extensions extensions, Instant now) {
        this(threshold, keepTagRevisions, pruneOverSizeLimit, allImages, pruneRegistry, namespace, invalidRefs,
                keepPinnedImages, extensions, now, NamespaceScope.ALL);
    }

    /** Options over a graph of the whole cluster, in oc's two invalid-reference modes. */
    public PruneOptions(Instant threshold, int keepTagRevisions, boolean pruneOverSizeLimit, boolean allImages,
                        boolean pruneRegistry, String namespace, boolean ignoreInvalidRefs, boolean keepPinnedImages,
                        Extensions extensions, Instant now) {
        this(threshold, keepTagRevisions, pruneOverSizeLimit, allImages, pruneRegistry, namespace,
                oc(ignoreInvalidRefs), keepPinnedImages, extensions, now, NamespaceScope.ALL);
    }

    /** Options without extensions beyond oc (beside the pinned-image rule as given). */
    public PruneOptions(Instant threshold, int keepTagRevisions, boolean pruneOverSizeLimit, boolean allImages,
                        boolean pruneRegistry, String namespace, boolean ignoreInvalidRefs, boolean keepPinnedImages) {
        this(threshold, keepTagRevisions, pruneOverSizeLimit, allImages, pruneRegistry, namespace,
                oc(ignoreInvalidRefs), keepPinnedImages, Extensions.NONE, null);
    }

    /**
     * Options with the library's defaults for every value that is null (algorithm §5.1): no threshold, keep 0
     * revisions, no size mode, all images, registry pruning on, cluster-wide.
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

    /**
     * No {@code namespace} was given: referrers of every namespace the graph holds count (oc's cluster-wide run).
     * Whether stage 2 runs also depends on the graph's scope: {@link #stageTwoRuns()}.
     */
    public boolean clusterWide() {
        return namespace.isEmpty();
    }

    /** Stage 2 (images and blobs) runs only cluster-wide on a graph of the whole cluster (algorithm §9). */
    public boolean stageTwoRuns() {
        return clusterWide() && graphScope.all();
    }

    /** Whether stage 1 considers the streams of this namespace: the run's namespace, within the graph's scope. */
    public boolean prunesStreamsIn(String streamNamespace) {
        return (clusterWide() || namespace.equals(streamNamespace)) && graphScope.covers(streamNamespace);
    }

    /**
     * Why the run is limited beyond its own options because the graph does not cover every namespace, or null:
     * "stage 2 skipped: the graph covers namespaces a, b only".
     */
    public String graphScopeLimit() {
        return PartialGraph.limit(graphScope);
    }

    public PruneOptions withKeepPinnedImages(boolean keep) {
        return new PruneOptions(threshold, keepTagRevisions, pruneOverSizeLimit, allImages, pruneRegistry, namespace,
                invalidRefs, keep, extensions, now, graphScope);
    }

    public PruneOptions withExtensions(Extensions newExtensions) {
        return new PruneOptions(threshold, keepTagRevisions, pruneOverSizeLimit, allImages, pruneRegistry, namespace,
                invalidRefs, keepPinnedImages, newExtensions, now, graphScope);
    }

    /** These options on a graph that covers {@code scope}. */
    public PruneOptions onGraphOf(NamespaceScope scope) {
        return new PruneOptions(threshold, keepTagRevisions, pruneOverSizeLimit, allImages, pruneRegistry, namespace,
                invalidRefs, keepPinnedImages, extensions, now, scope);
    }

    public PruneOptions withInvalidRefs(InvalidReferenceMode mode) {
        return new PruneOptions(threshold, keepTagRevisions, pruneOverSizeLimit, allImages, pruneRegistry, namespace,
                mode, keepPinnedImages, extensions, now, graphScope);
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
