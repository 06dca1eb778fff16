package io.imageprune.policy;

import io.imageprune.model.ImageStream;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The result of planning stage 1.
 *
 * @param plans     streams that lose revisions, in repository order
 * @param untouched streams left alone as a whole, with the reason, in repository order
 */
public record StreamStage(List<StreamPlan> plans, Map<String, Rule> untouched) {
    public StreamStage {
        plans = List.copyOf(plans);
        untouched = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(untouched));
    }

    /** The streams stage 1 changes as it leaves them, by repository: what stage 2 plans against. */
    public Map<String, ImageStream> prunedStreams() {
        Map<String, ImageStream> pruned = new HashMap<>();
        for (StreamPlan plan : plans) {
            pruned.put(plan.repo(), plan.pruned());
        }
        return pruned;
    }

    /** The images of the revisions stage 1 removes: a targeted stage 2 considers them too. */
    public Set<String> releasedImages() {
        Set<String> released = new HashSet<>();
        plans.forEach(plan -> plan.removedRevisions().forEach(r -> released.add(r.image())));
        return released;
    }
}
