package io.imageprune.policy;

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
}
