package io.imageprune.execute;

import io.imageprune.policy.RemovedRevision;
import io.imageprune.policy.StreamPlan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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

    private static final Comparator<Namespace> ORDER = Comparator.comparingLong(Namespace::bytes).reversed()
            .thenComparing(Comparator.comparingInt(Namespace::tagRevisions).reversed())
            .thenComparing(Namespace::namespace);

    public static PlanSummary of(PruneResult result) {
        Set<String> deletedImages = new HashSet<>(result.imageDeletions());
        Set<LinkDeletion> layerLinks = new LinkedHashSet<>(result.layerLinkDeletions());
        Set<LinkDeletion> manifestLinks = new LinkedHashSet<>(result.manifestLinkDeletions());
        Map<String, Long> blobBytes = reclaimedBytesPerBlob(result);

        Map<String, Tally> tallies = new TreeMap<>();
        Set<String> attributedImages = new HashSet<>();
        int tagRevisions = 0;
        for (StreamPlan plan : result.streamUpdates()) {
            Tally tally = tallies.computeIfAbsent(plan.original().namespace(), k -> new Tally());
            tally.streams++;
            tally.tagRevisions += plan.removedRevisions().size();
            tagRevisions += plan.removedRevisions().size();
            for (RemovedRevision revision : plan.removedRevisions()) {
                if (deletedImages.contains(revision.image())) {
                    tally.images.add(revision.image());
                    attributedImages.add(revision.image());
                }
            }
        }
        Set<String> linkedBlobs = new HashSet<>();
        for (LinkDeletion link : layerLinks) {
            Tally tally = tallies.computeIfAbsent(namespaceOf(link.repo()), k -> new Tally());
            tally.layerLinks++;
            Long bytes = blobBytes.get(link.digest());
            if (bytes != null && tally.blobs.add(link.digest())) {
                tally.bytes += bytes;
            }
            linkedBlobs.add(link.digest());
        }
        for (LinkDeletion link : manifestLinks) {
            tallies.computeIfAbsent(namespaceOf(link.repo()), k -> new Tally()).manifestLinks++;
        }

        List<Namespace> namespaces = new ArrayList<>(tallies.size());
        tallies.forEach((name, t) -> namespaces.add(new Namespace(name, t.streams, t.tagRevisions, t.images.size(),
                t.layerLinks, t.manifestLinks, t.bytes)));
        namespaces.sort(ORDER);
        long unattributedBytes = 0;
        for (Map.Entry<String, Long> blob : blobBytes.entrySet()) {
            if (!linkedBlobs.contains(blob.getKey())) {
                unattributedBytes += blob.getValue();
            }
        }
        Totals totals = new Totals(deletedImages.size(), result.streamUpdates().size(), tagRevisions,
                layerLinks.size(), manifestLinks.size(), new HashSet<>(result.blobDeletions()).size(),
                result.bytesReclaimed());
        return new PlanSummary(result.refused(), result.refused() ? result.invalidReferences() : List.of(), totals,
                List.copyOf(namespaces), new Unattributed(deletedImages.size() - attributedImages.size(),
                unattributedBytes));
    }

    /** The bytes each blob deletion reclaims, from the same actions that sum to {@link PruneResult#bytesReclaimed}. */
    private static Map<String, Long> reclaimedBytesPerBlob(PruneResult result) {
        Map<String, Long> bytes = new HashMap<>();
        for (ActionRecord action : result.actions()) {
            if (action.kind() == ActionKind.BLOB && action.outcome().succeeded() && action.bytes() > 0) {
                bytes.put(action.digest(), action.bytes());
            }
        }
        return bytes;
    }

    /** A repository is {@code <namespace>/<name>}. */
    private static String namespaceOf(String repo) {
        int slash = repo.indexOf('/');
        return slash < 0 ? repo : repo.substring(0, slash);
    }

    private static final class Tally {
        int streams;
        int tagRevisions;
        final Set<String> images = new HashSet<>();
        int layerLinks;
        int manifestLinks;
        final Set<String> blobs = new HashSet<>();
        long bytes;
    }
}
