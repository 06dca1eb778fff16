package io.imageprune.policy;

import io.imageprune.model.ImageStream;
import io.imageprune.model.Tag;

import java.util.List;

/**
 * Stage 1 for one stream that loses revisions: the status to write and the repository links that become unused.
 *
 * @param original            the stream as listed
 * @param pruned              the stream with the removed revisions and emptied tags gone
 * @param removedRevisions    in tag order, oldest index last within a tag
 * @param removedTags         tags that disappear from status.tags
 * @param layerLinkDeletions  blob digests whose last link in the repository goes (in the order oc reaches them)
 * @param manifestLinkDeletions image digests whose last revision in the repository goes
 */
public record StreamPlan(ImageStream original, ImageStream pruned, List<RemovedRevision> removedRevisions,
                         List<String> removedTags, List<String> layerLinkDeletions,
                         List<String> manifestLinkDeletions) {

    public String repo() {
        return original.repo();
    }

    public List<Tag> resultingTags() {
        return pruned.tags();
    }
}
