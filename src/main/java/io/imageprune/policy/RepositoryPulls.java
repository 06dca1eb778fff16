package io.imageprune.policy;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a pull of one image through a repository fetches there, so that the links it needs stay (docs/algorithm.md
 * §6.2): the image's own manifest and blobs and, for a manifest list, its children's manifests and blobs, recursively.
 * The one reading of manifest lists for the plan ({@link Planner}) and the last-moment check ({@link LastMomentCheck}).
 */
final class RepositoryPulls {
    private final ReferenceGraph graph;

    RepositoryPulls(ReferenceGraph graph) {
        this.graph = graph;
    }

    /**
     * @param digests      every manifest digest the pull names (also of images the graph does not hold) and every
     *                     blob of the images it holds
     * @param unknownBlobs the pull names an image the graph does not hold, or one whose blobs cannot be read: it may
     *                     fetch any blob (stale is unsafe)
     */
    record Pull(Set<String> digests, boolean unknownBlobs) {
        boolean mayFetch(String digest) {
            return unknownBlobs || digests.contains(digest);
        }
    }

    Pull of(String imageName) {
        Set<String> digests = new HashSet<>();
        boolean unknownBlobs = false;
        Deque<String> pending = new ArrayDeque<>(List.of(imageName));
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (!digests.add(name)) {
                continue;
            }
            Image image = graph.image(name);
            List<String> blobs = image == null ? null : image.blobs();
            if (blobs == null) {
                unknownBlobs = true;
            } else {
                digests.addAll(blobs);
            }
            if (image != null) {
                pending.addAll(image.manifestDigests());
            }
        }
        return new Pull(digests, unknownBlobs);
    }
}
