package io.imageprune.execute;

import io.imageprune.policy.ImagePlan;
import io.imageprune.policy.Planner;
import io.imageprune.policy.RemovedRevision;
import io.imageprune.policy.StreamPlan;
import io.imageprune.policy.StreamStage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan in numbers: its totals and, per namespace, what leaves it — without the lists that make the full plan
 * document large. Counts are of distinct targets, as the plan document lists them.
 * <p>
 * Images and blobs are cluster-wide; they are attributed to the namespaces whose streams lose them: an image to every
 * namespace with a stream losing a revision of it, a layer blob's bytes to every namespace with a repository losing
 * its link. An image or blob shared by several namespaces therefore counts in each of them (and once in the totals);
 * what no namespace loses (images in no pruned stream) is {@code unattributed}.
 *
 * @param refused    invalid references stopped the plan: nothing is planned, {@code errors} lists them
 * @param namespaces every namespace that loses something, the most bytes first (then the most revisions, then by name)
 */
public record PlanSummary(boolean refused, List<String> errors, Totals totals, List<Namespace> namespaces,
                          Unattributed unattributed) {

    /** @param bytesReclaimable the plan document's {@code bytesReclaimable}: sizes of the layer blobs deleted */
    public record Totals(int images, int streams, int tagRevisions, int layerLinks, int manifestLinks, int blobs,
                         long bytesReclaimable) {
    }

    /** @param bytes sizes of the deleted layer blobs whose link a repository of this namespace loses */
    public record Namespace(String namespace, int streams, int tagRevisions, int images, int layerLinks,
                            int manifestLinks, long bytes) {
    }

    /** Deleted images no pruned stream held, and the bytes of deleted blobs no repository loses a link to. */
    public record Unattributed(int images, long bytes) {
    }

    static final Comparator<Namespace> ORDER = Comparator.comparingLong(Namespace::bytes).reversed()
            .thenComparing(Comparator.comparingInt(Namespace::tagRevisions).reversed())
            .thenComparing(Namespace::namespace);

    /**
     * The summary of what a dry run of the planner's plan deletes (algorithm §10: every action counts as done), read
     * straight from its stage plans: no executor, no ledger, no record per action. It counts exactly what
     * {@link PruneExecutor#dryRun} lists: every stream plan is written, so each loses its links (when the run prunes
     * the registry) and stage 2 sees the streams as pruned; each image plan deletes its blobs and then its image. The
     * plans' lists are distinct by construction (one plan per repository, one link deletion per digest and
     * repository, one blob deletion per digest: the planner's counts reach zero once), so they are counted, not
     * collected into sets. Call under the graph's read lock.
     */
    public static PlanSummary of(Planner planner) {
        if (planner.refuses()) {
            return new PlanSummary(true, planner.invalidReferences(), new Totals(0, 0, 0, 0, 0, 0, 0), List.of(),
                    new Unattributed(0, 0));
        }
        boolean pruneRegistry = planner.options().pruneRegistry();
        StreamStage streams = planner.planStreams();
        List<ImagePlan> images = planner.planImages(streams.prunedStreams()).plans();

        Map<String, Deletion> deletedImages = new HashMap<>(capacity(images.size()));
        Map<String, Deletion> deletedBlobs = new HashMap<>(capacity(images.size() * 4));
        long bytesReclaimable = 0;
        for (ImagePlan plan : images) {
            deletedImages.put(plan.name(), new Deletion(0));
            for (String digest : plan.blobDeletions()) {
                long bytes = RunLedger.reclaimedBytes(plan, digest);
                deletedBlobs.put(digest, new Deletion(bytes));
                bytesReclaimable += bytes;
            }
            if (plan.deleteManifestBlob()) {
                deletedBlobs.put(plan.name(), new Deletion(0));
            }
        }

        // a namespace's plans are tallied together, so a deletion marked by the namespace's tally is already counted
        Map<String, List<StreamPlan>> plansByNamespace = new HashMap<>();
        for (StreamPlan plan : streams.plans()) {
            plansByNamespace.computeIfAbsent(plan.original().namespace(), k -> new ArrayList<>()).add(plan);
        }
        List<Namespace> namespaces = new ArrayList<>(plansByNamespace.size());
        int tagRevisions = 0;
        int layerLinks = 0;
        int manifestLinks = 0;
        for (Map.Entry<String, List<StreamPlan>> group : plansByNamespace.entrySet()) {
            Namespace namespace = tally(group.getKey(), group.getValue(), pruneRegistry, deletedImages, deletedBlobs);
            namespaces.add(namespace);
            tagRevisions += namespace.tagRevisions();
            layerLinks += namespace.layerLinks();
            manifestLinks += namespace.manifestLinks();
        }
        namespaces.sort(ORDER);
        Totals totals = new Totals(deletedImages.size(), streams.plans().size(), tagRevisions, layerLinks,
                manifestLinks, deletedBlobs.size(), bytesReclaimable);
        int unattributedImages = 0;
        for (Deletion image : deletedImages.values()) {
            unattributedImages += image.countedBy == null ? 1 : 0;
        }
        long unattributedBytes = 0;
        for (Deletion blob : deletedBlobs.values()) {
            unattributedBytes += blob.countedBy == null ? blob.bytes : 0;
        }
        return new PlanSummary(false, List.of(), totals, List.copyOf(namespaces),
                new Unattributed(unattributedImages, unattributedBytes));
    }

    /**
     * One namespace's numbers from its stream plans: a deleted image counts once however many of its revisions the
     * namespace loses, a deleted blob's bytes once however many of its repositories lose its link.
     */
    private static Namespace tally(String name, List<StreamPlan> plans, boolean pruneRegistry,
                                   Map<String, Deletion> deletedImages, Map<String, Deletion> deletedBlobs) {
        Object thisNamespace = new Object();
        int tagRevisions = 0;
        int images = 0;
        int layerLinks = 0;
        int manifestLinks = 0;
        long bytes = 0;
        for (StreamPlan plan : plans) {
            tagRevisions += plan.removedRevisions().size();
            for (RemovedRevision revision : plan.removedRevisions()) {
                Deletion image = deletedImages.get(revision.image());
                if (image != null && image.countedBy != thisNamespace) {
                    image.countedBy = thisNamespace;
                    images++;
                }
            }
            if (!pruneRegistry) {
                continue;
            }
            layerLinks += plan.layerLinkDeletions().size();
            manifestLinks += plan.manifestLinkDeletions().size();
            for (String digest : plan.layerLinkDeletions()) {
                Deletion blob = deletedBlobs.get(digest);
                if (blob != null && blob.countedBy != thisNamespace) {
                    blob.countedBy = thisNamespace;
                    bytes += blob.bytes;
                }
            }
        }
        return new Namespace(name, plans.size(), tagRevisions, images, layerLinks, manifestLinks, bytes);
    }

    /** A HashMap's initial capacity for this many entries without a rehash. */
    private static int capacity(int entries) {
        return (int) Math.min(Integer.MAX_VALUE, entries * 4L / 3 + 1);
    }

    /** An image or blob the plan deletes: what it reclaims, and the last namespace that counted it (or null). */
    private static final class Deletion {
        final long bytes;
        Object countedBy;

        Deletion(long bytes) {
            this.bytes = bytes;
        }
    }
}
