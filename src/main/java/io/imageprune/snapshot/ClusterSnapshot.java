package io.imageprune.snapshot;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A whole snapshot in memory, in document order.
 *
 * @param images       the Image objects
 * @param streams      the ImageStream objects
 * @param referrers    pods, workloads, builds and build configs
 * @param limitRanges  the LimitRange objects
 * @param skippedKinds items of other kinds, counted per kind (see {@link LoadStats#skipped()})
 */
public record ClusterSnapshot(List<Image> images, List<ImageStream> streams, List<Referrer> referrers,
                              List<LimitRange> limitRanges, Map<String, Integer> skippedKinds) {
    public ClusterSnapshot {
        images = images == null ? List.of() : List.copyOf(images);
        streams = streams == null ? List.of() : List.copyOf(streams);
        referrers = referrers == null ? List.of() : List.copyOf(referrers);
        limitRanges = limitRanges == null ? List.of() : List.copyOf(limitRanges);
        skippedKinds = skippedKinds == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(skippedKinds));
    }

    /** Loaded objects per kind ({@code Image}, {@code ImageStream}, {@code LimitRange}, {@code Pod}, ...). */
    public Map<String, Integer> loadedKinds() {
        Map<String, Integer> counts = new TreeMap<>();
        if (!images.isEmpty()) {
            counts.put("Image", images.size());
        }
        if (!streams.isEmpty()) {
            counts.put("ImageStream", streams.size());
        }
        if (!limitRanges.isEmpty()) {
            counts.put("LimitRange", limitRanges.size());
        }
        for (Referrer r : referrers) {
            counts.merge(r.kind().kind(), 1, Integer::sum);
        }
        return Collections.unmodifiableMap(counts);
    }
}
