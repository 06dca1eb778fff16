package io.imageprune.execute;

import io.imageprune.policy.RemovedRevision;
import io.imageprune.policy.StreamPlan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The plan summary as the service computed it before {@link PlanSummary#of(io.imageprune.policy.Planner)}: from the
 * result of a dry run ({@link PruneExecutor#dryRun}), i.e. from the ledger's lists of deletions and its action records,
 * with sets of what each namespace loses. Kept as the reference the direct computation must equal.
 */
public final class LedgerPlanSummary {
    private LedgerPlanSummary() {
    }

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

        List<PlanSummary.Namespace> namespaces = new ArrayList<>(tallies.size());
        tallies.forEach((name, t) -> namespaces.add(new PlanSummary.Namespace(name, t.streams, t.tagRevisions,
                t.images.size(), t.layerLinks, t.manifestLinks, t.bytes)));
        namespaces.sort(PlanSummary.ORDER);
        long unattributedBytes = 0;
        for (Map.Entry<String, Long> blob : blobBytes.entrySet()) {
            if (!linkedBlobs.contains(blob.getKey())) {
                unattributedBytes += blob.getValue();
            }
        }
        PlanSummary.Totals totals = new PlanSummary.Totals(deletedImages.size(), result.streamUpdates().size(),
                tagRevisions, layerLinks.size(), manifestLinks.size(), new HashSet<>(result.blobDeletions()).size(),
                result.bytesReclaimed());
        return new PlanSummary(result.refused(), result.refused() ? result.invalidReferences() : List.of(), totals,
                List.copyOf(namespaces), new PlanSummary.Unattributed(deletedImages.size() - attributedImages.size(),
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
