package io.imageprune.execute;

import io.imageprune.policy.StreamPlan;

import java.util.List;

/**
 * What a run did (or, for a dry run, would do). Deletions are listed when attempted, failed ones included, in the
 * order they were attempted.
 *
 * @param invalidReferences  unparsable references of counted referrers (oc's collection order)
 * @param refused            true when invalid references stopped the run before anything was done
 * @param streamUpdates      stream status writes that succeeded
 * @param bytesReclaimed     sizes of the layer blobs deleted successfully (configs and manifests are not counted)
 * @param warnings           things left alone on purpose, e.g. a stream with unreadable image metadata
 * @param actions            every action in the order its outcome was known, with that outcome
 */
public record PruneResult(List<String> invalidReferences, boolean refused, List<StreamPlan> streamUpdates,
                          List<String> imageDeletions, List<LinkDeletion> layerLinkDeletions,
                          List<LinkDeletion> manifestLinkDeletions, List<String> blobDeletions,
                          List<String> failures, PruneStats stats, long bytesReclaimed, List<String> warnings,
                          List<ActionRecord> actions) {
}
