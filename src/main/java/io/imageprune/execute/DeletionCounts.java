package io.imageprune.execute;

import io.imageprune.policy.ImagePlan;
import io.imageprune.policy.StreamPlan;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** How many deletions of each capped kind a run (or a part of it) makes: images, layer links, manifest links, blobs. */
public record DeletionCounts(int images, int layerLinks, int manifestLinks, int blobs) {
    /** The kinds that are capped, in the order caps are reported. */
    public static final List<ActionKind> CAPPED = List.of(ActionKind.IMAGE, ActionKind.LAYER_LINK,
            ActionKind.MANIFEST_LINK, ActionKind.BLOB);

    public static final DeletionCounts NONE = new DeletionCounts(0, 0, 0, 0);
    public static final DeletionCounts IMAGE = new DeletionCounts(1, 0, 0, 0);
    public static final DeletionCounts LAYER_LINK = new DeletionCounts(0, 1, 0, 0);
    public static final DeletionCounts MANIFEST_LINK = new DeletionCounts(0, 0, 1, 0);
    public static final DeletionCounts BLOB = new DeletionCounts(0, 0, 0, 1);

    /** What these plans delete; links only when the run prunes the registry. */
    public static DeletionCounts of(List<StreamPlan> streams, List<ImagePlan> images, boolean pruneRegistry) {
        int layerLinks = 0;
        int manifestLinks = 0;
        if (pruneRegistry) {
            for (StreamPlan plan : streams) {
                layerLinks += plan.layerLinkDeletions().size();
                manifestLinks += plan.manifestLinkDeletions().size();
            }
        }
        int blobs = 0;
        for (ImagePlan plan : images) {
            blobs += plan.blobDeletions().size() + (plan.deleteManifestBlob() ? 1 : 0);
        }
        return new DeletionCounts(images.size(), layerLinks, manifestLinks, blobs);
    }

    /** The links one stream's write lets go. */
    public static DeletionCounts links(StreamPlan plan) {
        return new DeletionCounts(0, plan.layerLinkDeletions().size(), plan.manifestLinkDeletions().size(), 0);
    }

    public int get(ActionKind kind) {
        return switch (kind) {
            case IMAGE -> images;
            case LAYER_LINK -> layerLinks;
            case MANIFEST_LINK -> manifestLinks;
            case BLOB -> blobs;
            case STREAM_UPDATE -> 0;
        };
    }

    public Map<ActionKind, Integer> asMap() {
        Map<ActionKind, Integer> map = new EnumMap<>(ActionKind.class);
        CAPPED.forEach(kind -> map.put(kind, get(kind)));
        return map;
    }
}
