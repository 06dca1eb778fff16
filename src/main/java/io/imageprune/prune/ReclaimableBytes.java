package io.imageprune.prune;

import io.imageprune.execute.ActionKind;
import io.imageprune.execute.ActionRecord;
import io.imageprune.execute.PruneResult;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The bytes a run would reclaim now, split by namespace with a bounded number of series: the {@value #TOP} namespaces
 * with the most, and {@value #OTHER} for the rest. A layer blob counts for the namespace of the first repository (in
 * name order) whose link to it the plan deletes; a blob no deleted link names (an image no stream holds) counts as
 * {@value #OTHER}.
 */
record ReclaimableBytes(long total, Map<String, Long> byNamespace) {
    static final int TOP = 10;
    /** Not a namespace name (those start with a letter or digit), so never one of the top namespaces. */
    static final String OTHER = "_other";

    static ReclaimableBytes of(PruneResult plan) {
        Map<String, TreeSet<String>> namespacesOfBlob = new HashMap<>();
        for (ActionRecord action : plan.actions()) {
            if (action.kind() == ActionKind.LAYER_LINK) {
                String repo = action.repository();
                String namespace = repo.contains("/") ? repo.substring(0, repo.indexOf('/')) : repo;
                namespacesOfBlob.computeIfAbsent(action.digest(), d -> new TreeSet<>()).add(namespace);
            }
        }
        Map<String, Long> bytes = new HashMap<>();
        long total = 0;
        for (ActionRecord action : plan.actions()) {
            if (action.kind() == ActionKind.BLOB && action.outcome().succeeded() && action.bytes() > 0) {
                TreeSet<String> namespaces = namespacesOfBlob.get(action.digest());
                bytes.merge(namespaces == null ? OTHER : namespaces.first(), action.bytes(), Long::sum);
                total += action.bytes();
            }
        }
        return new ReclaimableBytes(total, top(bytes));
    }

    /** The {@value #TOP} namespaces with the most bytes (ties by name), the rest summed as {@value #OTHER}. */
    static Map<String, Long> top(Map<String, Long> bytes) {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(bytes.entrySet());
        sorted.removeIf(entry -> entry.getKey().equals(OTHER));
        sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        Map<String, Long> top = new LinkedHashMap<>();
        long other = bytes.getOrDefault(OTHER, 0L);
        for (int i = 0; i < sorted.size(); i++) {
            if (i < TOP) {
                top.put(sorted.get(i).getKey(), sorted.get(i).getValue());
            } else {
                other += sorted.get(i).getValue();
            }
        }
        // always there: the family keeps a series when nothing is reclaimable
        top.put(OTHER, other);
        return top;
    }
}
