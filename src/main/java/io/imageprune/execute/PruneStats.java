package io.imageprune.execute;

import java.util.ArrayList;
import java.util.List;

/** oc's six counters of successful actions (algorithm §10). */
public record PruneStats(int deletedImages, int updatedImageStreams, int deletedImageStreamTagItems,
                         int deletedLayerLinks, int deletedManifestLinks, int deletedBlobs) {

    /** oc's summary text: the non-zero parts joined by commas, or "deleted 0 objects". */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        part(parts, deletedImages, "deleted %d image object(s)");
        part(parts, deletedImageStreamTagItems, "deleted %d image stream tag item(s)");
        part(parts, updatedImageStreams, "updated %d image stream(s)");
        part(parts, deletedLayerLinks, "deleted %d layer link(s)");
        part(parts, deletedManifestLinks, "deleted %d manifest link(s)");
        part(parts, deletedBlobs, "deleted %d blob(s)");
        return parts.isEmpty() ? "deleted 0 objects" : String.join(", ", parts);
    }

    private static void part(List<String> parts, int n, String format) {
        if (n > 0) {
            parts.add(String.format(format, n));
        }
    }
}
