package io.imageprune.policy;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The images a targeted stage 2 plans: the targets a full run deletes, plus every image a full run deletes that shares
 * with them (transitively) a digest the full run deletes. A digest is deleted with its last holder, so it is deleted
 * exactly when all its holders are; such a digest's holders must go in the same pass for each of them to get the
 * blob deletions of a full run. A digest some kept image holds is deleted by no one, so it ties nothing together.
 *
 * <p>Only the targets and the holders of their digests are decided, through the graph's digest → images index; a
 * digest many images share (a base layer) usually stops at its first kept holder. Cost: the decided images, not the
 * graph.
 */
final class DeletionComponent {
    private final ReferenceGraph graph;
    private final Predicate<Image> deletedByFullRun;
    private final Map<Image, Boolean> decided = new IdentityHashMap<>();

    private DeletionComponent(ReferenceGraph graph, Predicate<Image> deletedByFullRun) {
        this.graph = graph;
        this.deletedByFullRun = deletedByFullRun;
    }

    /**
     * @param targets          image names; names the graph does not hold are ignored
     * @param deletedByFullRun stage 2's decision for one image (the planner's own rule)
     * @return the component, in no particular order
     */
    static List<Image> of(ReferenceGraph graph, Set<String> targets, Predicate<Image> deletedByFullRun) {
        return new DeletionComponent(graph, deletedByFullRun).from(targets);
    }

    private List<Image> from(Set<String> targets) {
        Set<Image> reached = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Image> pending = new ArrayDeque<>();
        for (String target : targets) {
            Image image = graph.image(target);
            if (image != null && deleted(image) && reached.add(image)) {
                pending.add(image);
            }
        }
        Set<String> followed = new HashSet<>();
        List<Image> component = new ArrayList<>();
        while (!pending.isEmpty()) {
            Image image = pending.pop();
            component.add(image);
            follow(image.name(), followed, reached, pending);
            for (String blob : image.blobs()) {
                follow(blob, followed, reached, pending);
            }
        }
        return component;
    }

    private void follow(String digest, Set<String> followed, Set<Image> reached, Deque<Image> pending) {
        if (!followed.add(digest)) {
            return;
        }
        List<Image> holders = graph.imagesHolding(digest);
        if (holders.size() < 2 || !allDeleted(holders)) {
            return;
        }
        for (Image holder : holders) {
            if (reached.add(holder)) {
                pending.add(holder);
            }
        }
    }

    private boolean allDeleted(List<Image> holders) {
        for (Image holder : holders) {
            if (!deleted(holder)) {
                return false;
            }
        }
        return true;
    }

    private boolean deleted(Image image) {
        Boolean known = decided.get(image);
        if (known == null) {
            known = deletedByFullRun.test(image);
            decided.put(image, known);
        }
        return known;
    }
}
