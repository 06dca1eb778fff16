package io.imageprune.policy;

import io.imageprune.model.ImageStream;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * What stage 2 sees after a dry run of this stage (every plan written as planned): repository → the pruned stream,
     * the argument of {@link Planner#planImages(Map)}.
     */
    public Map<String, ImageStream> afterDryRun() {
        Map<String, ImageStream> after = new HashMap<>();
        for (StreamPlan plan : plans) {
            after.put(plan.repo(), plan.pruned());
        }
        return after;
    }
}
