package io.imageprune.graph;

import io.imageprune.reference.ExtractedReferences;
import io.imageprune.reference.ImageRef;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The references of the pods that count only while young (finished pods, algorithm §5.3), by key: the pods naming each
 * tag ({@code ns/stream:tag}), image ({@code ns/stream@digest}) and pinned digest. A run asks whether some pod naming
 * a key counts at its threshold, instead of collecting the references of every pod that counts at each planning
 * (which profiling showed as most of a targeted re-plan's time on a big cluster).
 */
final class ConditionalReferences {
    private final Map<String, List<ReferrerEntry>> tags = new HashMap<>();
    private final Map<String, List<ReferrerEntry>> images = new HashMap<>();
    private final Map<String, List<ReferrerEntry>> pinned = new HashMap<>();

    void add(ReferrerEntry pod) {
        ExtractedReferences refs = pod.references();
        for (ImageRef ref : refs.refs()) {
            (ref.type() == ImageRef.Type.TAG ? tags : images).computeIfAbsent(ref.key(), k -> new ArrayList<>(1))
                    .add(pod);
        }
        for (String digest : refs.pinnedDigests()) {
            pinned.computeIfAbsent(digest, k -> new ArrayList<>(1)).add(pod);
        }
    }

    void remove(ReferrerEntry pod) {
        ExtractedReferences refs = pod.references();
        for (ImageRef ref : refs.refs()) {
            unlink(ref.type() == ImageRef.Type.TAG ? tags : images, ref.key(), pod);
        }
        for (String digest : refs.pinnedDigests()) {
            unlink(pinned, digest, pod);
        }
    }

    boolean tagCounts(String key, Instant threshold) {
        return anyCounts(tags.get(key), threshold);
    }

    boolean imageCounts(String key, Instant threshold) {
        return anyCounts(images.get(key), threshold);
    }

    boolean pinCounts(String digest, Instant threshold) {
        return anyCounts(pinned.get(digest), threshold);
    }

    private static boolean anyCounts(List<ReferrerEntry> pods, Instant threshold) {
        if (pods != null) {
            for (ReferrerEntry pod : pods) {
                if (pod.counts(threshold)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Removes one occurrence of the pod (a pod naming a key twice is listed twice). */
    private static void unlink(Map<String, List<ReferrerEntry>> byKey, String key, ReferrerEntry pod) {
        List<ReferrerEntry> pods = byKey.get(key);
        if (pods == null) {
            return;
        }
        for (int i = 0; i < pods.size(); i++) {
            if (pods.get(i) == pod) {
                pods.remove(i);
                break;
            }
        }
        if (pods.isEmpty()) {
            byKey.remove(key);
        }
    }
}
