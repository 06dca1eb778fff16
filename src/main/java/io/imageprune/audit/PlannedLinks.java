package io.imageprune.audit;

import io.imageprune.policy.StreamPlan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The repository links a confirmed run means to delete right after it writes a stream's status, carried by that
 * write's intent: if the process stops between the write and its last link DELETE, the next run's plan no longer
 * sees those links (the stream lost the revisions), so the topic must tell them (see {@link UnfinishedLink}).
 *
 * @param layerLinks     blob digests whose layer/config link in the repository goes
 * @param manifestLinks  image digests whose manifest link in the repository goes
 * @param releasedImages the images of the revisions the write removes (a referrer may use one by digest later)
 */
public record PlannedLinks(List<String> layerLinks, List<String> manifestLinks, List<String> releasedImages) {
    public static final PlannedLinks NONE = new PlannedLinks(List.of(), List.of(), List.of());

    public PlannedLinks {
        layerLinks = List.copyOf(layerLinks);
        manifestLinks = List.copyOf(manifestLinks);
        releasedImages = List.copyOf(releasedImages);
    }

    /** What the write of {@code plan} lets go; nothing when the run does not prune the registry. */
    public static PlannedLinks of(StreamPlan plan, boolean pruneRegistry) {
        if (!pruneRegistry) {
            return NONE;
        }
        List<String> images = new ArrayList<>(new LinkedHashSet<>(plan.removedRevisions().stream()
                .map(r -> r.image()).toList()));
        return new PlannedLinks(plan.layerLinkDeletions(), plan.manifestLinkDeletions(), images);
    }

    public boolean isEmpty() {
        return layerLinks.isEmpty() && manifestLinks.isEmpty();
    }

    /** Both plans' links: a write retried after a conflict may have re-decided them. */
    PlannedLinks union(PlannedLinks other) {
        return new PlannedLinks(merged(layerLinks, other.layerLinks), merged(manifestLinks, other.manifestLinks),
                merged(releasedImages, other.releasedImages));
    }

    private static List<String> merged(List<String> a, List<String> b) {
        LinkedHashSet<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return new ArrayList<>(all);
    }
}
