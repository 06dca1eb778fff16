package io.imageprune.execute;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-run caps of safety rule 3, an anomaly guard: a run that would delete more of any kind than allowed is
 * refused as a whole (a plan that large more likely comes from a broken graph than from a real backlog).
 *
 * @param images        at most this many Image objects
 * @param imageShare    at most this share (0..1) of all images
 * @param layerLinks    at most this many layer (and config) links
 * @param manifestLinks at most this many manifest links
 * @param blobs         at most this many blobs in global storage (manifest blobs included)
 */
public record DeletionCaps(int images, double imageShare, int layerLinks, int manifestLinks, int blobs) {
    /** The configuration keys naming each cap, as refusals quote them. */
    public static final String PREFIX = "imageprune.prune.";

    /**
     * Why a run deleting this many of a graph of {@code allImages} images is refused, naming every cap it exceeds
     * with its configuration key, or null when it is within all of them.
     */
    public String exceeded(DeletionCounts counts, int allImages) {
        List<String> over = new ArrayList<>();
        if (counts.images() > images || counts.images() > imageShare * allImages) {
            over.add(counts.images() + " of " + allImages + " images, more than " + PREFIX + "max-image-deletions="
                    + images + " or " + PREFIX + "max-image-deletion-share=" + imageShare);
        }
        over(over, counts.layerLinks(), layerLinks, "layer links", "max-layer-link-deletions");
        over(over, counts.manifestLinks(), manifestLinks, "manifest links", "max-manifest-link-deletions");
        over(over, counts.blobs(), blobs, "blobs", "max-blob-deletions");
        return over.isEmpty() ? null : "the run would delete " + String.join("; ", over);
    }

    private static void over(List<String> over, int count, int cap, String what, String key) {
        if (count > cap) {
            over.add(count + " " + what + ", more than " + PREFIX + key + "=" + cap);
        }
    }
}
