package io.imageprune.policy;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The {@link ImageFacts} of one image at a time, for a targeted stage 2: instead of collecting a fact's set over the
 * whole graph and then adding every manifest list's children, it asks the image itself and then walks up the
 * manifest lists naming it (the graph's child → lists index). An image is in a whole-graph set exactly when it or a
 * list above it seeds the set, so the answers are the sets' answers (TargetedPlanningTest compares them).
 */
final class ImageFactsOnDemand implements ImageFacts {
    private final ReferenceGraph graph;
    private final PruneOptions options;
    private final References references;
    private final ScopePolicies policies;
    private final Map<String, ImageStream> streamsAfterStage1;
    /** Images named by the streams stage 1 rewrote (those the graph holds): they stand for the graph's copies. */
    private final Set<String> namedByRewrittenStreams = new HashSet<>();

    ImageFactsOnDemand(ReferenceGraph graph, PruneOptions options, References references, ScopePolicies policies,
                       Map<String, ImageStream> streamsAfterStage1) {
        this.graph = graph;
        this.options = options;
        this.references = references;
        this.policies = policies;
        this.streamsAfterStage1 = streamsAfterStage1;
        streamsAfterStage1.forEach((repo, stream) -> {
            if (stream != null && graph.stream(repo) != null) {
                for (Tag tag : stream.tags()) {
                    for (TagEvent item : tag.items()) {
                        namedByRewrittenStreams.add(item.image());
                    }
                }
            }
        });
    }

    @Override
    public boolean unsafe(String image) {
        return !graph.unsafeImages().isEmpty() && selfOrListAbove(image, graph::unsafeImage);
    }

    @Override
    public boolean used(String image) {
        return selfOrListAbove(image, this::namedByRemainingRevision);
    }

    @Override
    public boolean pinned(String image) {
        return options.keepPinnedImages()
                && selfOrListAbove(image, name -> graph.image(name) != null && references.pinned(name));
    }

    @Override
    public boolean protectedImage(String image) {
        return options.extensions().annotations() && selfOrListAbove(image, name -> {
            Image held = graph.image(name);
            return held != null && !held.annotations().protect().isEmpty() && policies.imageProtected(held);
        });
    }

    /** A stream as stage 1 leaves it has a revision naming the image: a rewritten copy, or a stream left as it is. */
    private boolean namedByRemainingRevision(String image) {
        if (namedByRewrittenStreams.contains(image)) {
            return true;
        }
        for (String repo : graph.revisionsNaming(image).keySet()) {
            if (!streamsAfterStage1.containsKey(repo)) {
                return true;
            }
        }
        return false;
    }

    /** The fact holds for the image or for a manifest list above it (lists naming it, the lists naming those, …). */
    private boolean selfOrListAbove(String image, Predicate<String> seeds) {
        if (seeds.test(image)) {
            return true;
        }
        Set<String> lists = graph.manifestListsNaming(image);
        if (lists.isEmpty()) {
            return false;
        }
        Set<String> seen = new HashSet<>();
        seen.add(image);
        Deque<String> pending = new ArrayDeque<>(lists);
        while (!pending.isEmpty()) {
            String list = pending.pop();
            if (!seen.add(list)) {
                continue;
            }
            if (seeds.test(list)) {
                return true;
            }
            pending.addAll(graph.manifestListsNaming(list));
        }
        return false;
    }
}
