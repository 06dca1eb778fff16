package io.imageprune.policy;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;


/**
 * Safety rule 4: right before a DELETE, is its target still unused in the graph as it stands now? Planning happened
 * earlier; since then a pod may have started, a tag may have moved, an image may have been pushed. Each method
 * answers with the reason the target must stay, or null when it may go.
 *
 * <p>The graph may not yet show the run's own stream writes (they come back through the state topic), so the
 * revisions the run removed are subtracted from the graph's streams, as a multiset of tag events (tag, image,
 * created). Once the graph shows the write those events are gone and nothing is subtracted: a revision naming the
 * same image in the same tag is then a new one (the image was tagged again) and protects it.
 *
 * <p>Not thread-safe and bound to the graph's read lock: create one per check under that lock.
 */
public final class LastMomentCheck {
    private final ReferenceGraph graph;
    private final PruneOptions options;
    private final References references;
    private final InvalidReferenceContainment containment;
    private final RepositoryPulls pulls;

    LastMomentCheck(ReferenceGraph graph, PruneOptions options, References references,
                    InvalidReferenceContainment containment) {
        this.graph = graph;
        this.options = options;
        this.references = references;
        this.containment = containment;
        this.pulls = new RepositoryPulls(graph);
    }

    /**
     * @param removedByRun repository → revisions this run removed from it (written successfully)
     */
    public String imageSaved(String name, Map<String, List<RemovedRevision>> removedByRun) {
        if (graph.unsafeImage(name)) {
            return "the image now names a digest that is not safe in a URL";
        }
        if (options.keepPinnedImages() && references.pinned(name)) {
            return "a referrer now names the image by digest";
        }
        InvalidReferenceContainment.Contained contained = containment.containingImage(name);
        if (contained != null) {
            return "a " + contained.describe() + " now could name the image";
        }
        Image image = graph.image(name);
        if (image != null && options.extensions().annotations() && !image.annotations().protect().isEmpty()
                && new ScopePolicies(graph, options).imageProtected(image)) {
            return "the image is now annotated " + io.imageprune.model.AdminAnnotations.PROTECT;
        }
        for (String repo : graph.revisionsNaming(name).keySet()) {
            if (remainingRevisions(repo, name, removedByRun.getOrDefault(repo, List.of())) > 0) {
                return "stream " + repo + " now has a revision of the image";
            }
        }
        for (String list : graph.manifestListsNaming(name)) {
            String listSaved = imageSaved(list, removedByRun);
            if (listSaved != null) {
                return "manifest list " + list + " holding it is in use: " + listSaved;
            }
        }
        return null;
    }

    /**
     * A blob (layer, config, or an image's own manifest) in global storage.
     *
     * @param runHolders the images this run deletes that hold the digest (an image holds its own name too)
     */
    public String blobSaved(String digest, Collection<Image> runHolders,
                            Map<String, List<RemovedRevision>> removedByRun) {
        int heldByRun = 0;
        for (Image holder : runHolders) {
            if (graph.image(holder.name()) == null) {
                continue;
            }
            String holderSaved = imageSaved(holder.name(), removedByRun);
            if (holderSaved != null) {
                return "image " + holder.name() + " holding it is kept: " + holderSaved;
            }
            heldByRun += occurrences(holder, digest);
        }
        if (graph.globalCount(digest) > heldByRun) {
            return "another image now holds it";
        }
        return youngUnknownImage();
    }

    /**
     * A young revision naming an image the graph does not hold yet is a push on its way: its blobs are unknown, so
     * any blob may be one of them. (An old one is dangling and stage 1 removes it.)
     */
    private String youngUnknownImage() {
        for (String unknown : graph.namedButUnknown()) {
            for (String repo : graph.revisionsNaming(unknown).keySet()) {
                ImageStream stream = graph.stream(repo);
                if (stream == null) {
                    continue;
                }
                for (Tag tag : stream.tags()) {
                    for (TagEvent item : tag.items()) {
                        if (item.image().equals(unknown) && item.created().isAfter(options.threshold())) {
                            return "image " + unknown + " of a young revision in " + repo
                                    + " is not in the graph yet, and may hold it";
                        }
                    }
                }
            }
        }
        return null;
    }

    /**
     * A layer or config link in a repository, after the stream lost {@code removed}: still held by a remaining
     * revision's image, or by a removed revision's image that a referrer now uses by digest in that stream.
     */
    public String layerLinkSaved(String repo, String blob, List<RemovedRevision> removed) {
        return layerLinkSaved(repo, blob, removed, removed.stream().map(RemovedRevision::image).toList());
    }

    /**
     * A layer or config link an earlier, interrupted run planned after writing the stream: the graph shows the
     * stream as it is now (nothing is subtracted: whatever it names protects), and a referrer now using one of the
     * images that write released keeps it too.
     */
    public String leftoverLayerLinkSaved(String repo, String blob, Collection<String> releasedImages) {
        return layerLinkSaved(repo, blob, List.of(), releasedImages);
    }

    /** A manifest link an earlier, interrupted run planned after writing the stream (see above). */
    public String leftoverManifestLinkSaved(String repo, String digest) {
        return manifestLinkSaved(repo, digest, List.of());
    }

    private String layerLinkSaved(String repo, String blob, List<RemovedRevision> removed,
                                  Collection<String> releasedImages) {
        String contained = containedRepository(repo);
        if (contained != null) {
            return contained;
        }
        ImageStream stream = graph.stream(repo);
        if (stream != null) {
            for (Map.Entry<String, Integer> remaining : remainingRevisions(stream, removed).entrySet()) {
                Image image = graph.image(remaining.getKey());
                if (remaining.getValue() > 0 && image != null && holds(image, blob)) {
                    return "image " + image.name() + " of a remaining revision holds it";
                }
                if (remaining.getValue() > 0 && image != null && !image.manifestDigests().isEmpty()
                        && pulls.of(image.name()).mayFetch(blob)) {
                    return "manifest list " + image.name() + " of a remaining revision pulls it through a child";
                }
            }
        }
        for (String released : releasedImages) {
            Image image = graph.image(released);
            if (image != null && holds(image, blob) && usedInRepository(repo, image.name())) {
                return "a referrer now uses image " + image.name() + " holding it";
            }
        }
        return namedThroughRepository(repo, blob);
    }

    /**
     * Safety rule 1 at the repository: a counted referrer names {@code repo@named} for an image whose pull fetches
     * {@code digest} (or may: a child is unknown).
     */
    private String namedThroughRepository(String repo, String digest) {
        if (!options.keepPinnedImages()) {
            return null;
        }
        int slash = repo.indexOf('/');
        for (String named : Planner.imagesNamedThrough(repo.substring(0, slash), repo.substring(slash + 1), graph,
                references)) {
            if (pulls.of(named).mayFetch(digest)) {
                return "a referrer names " + repo + "@" + named + ", whose pull fetches it";
            }
        }
        return null;
    }

    /** A manifest link in a repository, after the stream lost {@code removed}. */
    public String manifestLinkSaved(String repo, String digest, List<RemovedRevision> removed) {
        String contained = containedRepository(repo);
        if (contained != null) {
            return contained;
        }
        if (remainingRevisions(repo, digest, removed) > 0) {
            return "a remaining revision of the stream names it";
        }
        ImageStream stream = graph.stream(repo);
        if (stream != null) {
            for (Map.Entry<String, Integer> remaining : remainingRevisions(stream, removed).entrySet()) {
                Image image = graph.image(remaining.getKey());
                if (remaining.getValue() > 0 && image != null && !image.manifestDigests().isEmpty()
                        && pulls.of(image.name()).digests().contains(digest)) {
                    return "manifest list " + image.name() + " of a remaining revision names it as a child";
                }
            }
        }
        if (usedInRepository(repo, digest)) {
            return "a referrer now uses it by digest";
        }
        return namedThroughRepository(repo, digest);
    }

    /** A contained invalid reference could name the repository: none of its links goes. */
    private String containedRepository(String repo) {
        InvalidReferenceContainment.Contained contained = containment.containingRepository(repo);
        return contained == null ? null : "a " + contained.describe() + " now could name the repository";
    }

    private boolean usedInRepository(String repo, String digest) {
        int slash = repo.indexOf('/');
        return references.imageUsed(repo.substring(0, slash), repo.substring(slash + 1), digest)
                || options.keepPinnedImages() && references.pinned(digest);
    }

    private int remainingRevisions(String repo, String image, List<RemovedRevision> removed) {
        ImageStream stream = graph.stream(repo);
        return stream == null ? 0 : remainingRevisions(stream, removed).getOrDefault(image, 0);
    }

    /** image → revisions of the stream naming it, minus the removed ones that the stream still shows. */
    private static Map<String, Integer> remainingRevisions(ImageStream stream, List<RemovedRevision> removed) {
        // tag → image → event time → revisions
        Map<String, Map<String, Map<Instant, Integer>>> events = new HashMap<>();
        for (Tag tag : stream.tags()) {
            for (TagEvent item : tag.items()) {
                events.computeIfAbsent(tag.name(), k -> new HashMap<>())
                        .computeIfAbsent(item.image(), k -> new HashMap<>())
                        .merge(item.created(), 1, Integer::sum);
            }
        }
        for (RemovedRevision revision : removed) {
            Map<Instant, Integer> byTime = events.getOrDefault(revision.tag(), Map.of()).get(revision.image());
            if (byTime == null) {
                continue;
            }
            // without its time a removed revision stands for any revision of the image in the tag
            Instant key = revision.created() != null ? revision.created()
                    : byTime.keySet().stream().filter(t -> byTime.get(t) > 0).findFirst().orElse(null);
            if (key != null) {
                byTime.computeIfPresent(key, (k, n) -> n - 1);
            }
        }
        Map<String, Integer> perImage = new HashMap<>();
        events.values().forEach(byImage -> byImage.forEach((image, byTime) -> byTime.values().forEach(n -> {
            if (n > 0) {
                perImage.merge(image, n, Integer::sum);
            }
        })));
        return perImage;
    }

    private static boolean holds(Image image, String blob) {
        List<String> blobs = image.blobs();
        return blobs != null && blobs.contains(blob);
    }

    private static int occurrences(Image image, String digest) {
        int n = image.name().equals(digest) ? 1 : 0;
        List<String> blobs = image.blobs();
        if (blobs != null) {
            for (String blob : blobs) {
                if (blob.equals(digest)) {
                    n++;
                }
            }
        }
        return n;
    }

}
