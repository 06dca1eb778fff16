package io.imageprune.graph;

import io.imageprune.model.CustomReferrer;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Namespace;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.reference.ExtractedReferences;
import io.imageprune.reference.Identities;
import io.imageprune.reference.ImageRef;
import io.imageprune.reference.ReferrerReferences;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cluster as pruning sees it, kept up to date one object at a time. Every put or remove adjusts the counters
 * by the contribution of that one object (old version out, new version in), so a change costs the size of the object,
 * never a rebuild. The graph makes no decisions; the planner reads it.
 *
 * <p>Not thread-safe for writes: one writer at a time, and nothing may read while it writes. Reads change nothing
 * (except that the first {@link #imagesHolding} builds the digest index, once, safely for concurrent readers), so
 * several planners may read at once: the service guards its graph with a read-write lock ({@code state.LiveGraph}),
 * and {@code plan} has one thread.
 */
public final class ReferenceGraph {
    private final Map<String, Image> images = new HashMap<>();
    private final Map<String, ImageStream> streams = new HashMap<>();
    private final Map<String, ReferrerEntry> referrers = new HashMap<>();
    private final Map<String, Map<String, LimitRange>> limitRangesByNamespace = new HashMap<>();

    /** algorithm §7.2: over all images, each image's own digest and each of its blobs (duplicates counted). */
    private final Counts globalCounts = new Counts();
    private final Set<String> unreadableImages = new HashSet<>();

    /** image digest → repository → number of revisions naming it (whether or not the image is known). */
    private final Map<String, RevisionHolders> revisionsByImage = new HashMap<>();
    private final Map<String, RepositoryCounts> repositoryCounts = new HashMap<>();
    /** Images some stream revision names but the graph does not hold (deleted, or a push still on its way). */
    private final Set<String> namedButUnknown = new HashSet<>();
    /** child manifest digest → the manifest lists (images) naming it, for the last-moment check of a child. */
    private final Map<String, Set<String>> manifestListsByChild = new HashMap<>();
    /**
     * The images that are manifest lists, and those that carry admin annotations: a few among hundreds of thousands,
     * which a run would otherwise find by walking every image.
     */
    private final Set<String> manifestLists = new HashSet<>();
    private final Set<String> annotatedImages = new HashSet<>();

    /** References of referrers that count whatever the threshold. */
    private final Counts alwaysUsedTags = new Counts();
    private final Counts alwaysUsedImages = new Counts();
    private final Counts alwaysPinnedDigests = new Counts();
    /**
     * Repository ({@code ns/stream}) → digests that referrers name by digest through it, whether or not they count
     * at a run's threshold: a pull of such a name fetches the image's manifests and blobs through that repository, so
     * their links stay (docs/algorithm.md §6.2), also when the image is no revision of the stream (any more).
     */
    private final Map<String, Counts> digestsNamedByRepository = new HashMap<>();
    /** Pods that count only while young: evaluated against each run's threshold. */
    private final Map<String, ReferrerEntry> conditionalPods = new HashMap<>();
    private final ConditionalReferences conditionalReferences = new ConditionalReferences();
    private final Map<String, ReferrerEntry> referrersWithErrors = new HashMap<>();
    private final int[] referrersPerKind = new int[ReferrerKind.values().length];
    /** Images and streams carrying an identity that must not reach a URL ({@link Identities}), with the problems. */
    private final Map<String, List<String>> unsafeImages = new HashMap<>();
    private final Map<String, List<String>> unsafeStreams = new HashMap<>();
    /** Holders oc does not read and admin annotations on namespaces (issue 12); kept apart from oc's counters. */
    private final ExtensionHolders extensions = new ExtensionHolders();
    /**
     * Digest → images holding it, for targeted planning; built by the first {@link #imagesHolding} (a run that never
     * plans a targeted pass, such as the {@code plan} command, never pays for it), then kept by every put and remove.
     */
    private volatile DigestHolders digestHolders;

    /**
     * Puts any model object the graph holds (Image, ImageStream, Referrer, LimitRange, CustomReferrer, Namespace),
     * replacing the one with the
     * same identity.
     *
     * @throws IllegalArgumentException for any other type
     */
    public void put(Object object) {
        if (object instanceof Image image) {
            putImage(image);
        } else if (object instanceof ImageStream stream) {
            putStream(stream);
        } else if (object instanceof Referrer referrer) {
            putReferrer(referrer);
        } else if (object instanceof LimitRange limitRange) {
            putLimitRange(limitRange);
        } else if (object instanceof CustomReferrer custom) {
            extensions.putCustomReferrer(custom);
        } else if (object instanceof Namespace namespace) {
            extensions.putNamespace(namespace);
        } else {
            throw new IllegalArgumentException("the graph holds no " + object.getClass().getSimpleName());
        }
    }

    // ------------------------------------------------------------------ images

    public void putImage(Image image) {
        removeImage(image.name());
        images.put(image.name(), image);
        namedButUnknown.remove(image.name());
        if (digestHolders != null) {
            digestHolders.add(image);
        }
        List<String> problems = Identities.problems(image);
        if (!problems.isEmpty()) {
            unsafeImages.put(image.name(), problems);
        }
        List<String> blobs = image.blobs();
        if (blobs == null) {
            unreadableImages.add(image.name());
        } else {
            globalCounts.add(image.name(), 1);
            for (String blob : blobs) {
                globalCounts.add(blob, 1);
            }
        }
        RevisionHolders holders = revisionsByImage.get(image.name());
        if (holders != null) {
            for (int i = 0; i < holders.size(); i++) {
                addToRepository(holders.repo(i), image, holders.revisions(i));
            }
        }
        for (String child : image.manifestDigests()) {
            manifestListsByChild.computeIfAbsent(child, k -> new HashSet<>(2)).add(image.name());
        }
        if (!image.manifestDigests().isEmpty()) {
            manifestLists.add(image.name());
        }
        if (!image.annotations().isEmpty()) {
            annotatedImages.add(image.name());
        }
    }

    public boolean removeImage(String name) {
        Image old = images.remove(name);
        if (old == null) {
            return false;
        }
        unsafeImages.remove(name);
        manifestLists.remove(name);
        annotatedImages.remove(name);
        if (digestHolders != null) {
            digestHolders.remove(old);
        }
        if (revisionsByImage.containsKey(name)) {
            namedButUnknown.add(name);
        }
        List<String> blobs = old.blobs();
        if (blobs == null) {
            unreadableImages.remove(name);
        } else {
            globalCounts.add(name, -1);
            for (String blob : blobs) {
                globalCounts.add(blob, -1);
            }
        }
        RevisionHolders holders = revisionsByImage.get(name);
        if (holders != null) {
            for (int i = 0; i < holders.size(); i++) {
                addToRepository(holders.repo(i), old, -holders.revisions(i));
            }
        }
        for (String child : old.manifestDigests()) {
            Set<String> lists = manifestListsByChild.get(child);
            if (lists != null && lists.remove(name) && lists.isEmpty()) {
                manifestListsByChild.remove(child);
            }
        }
        return true;
    }

    // ----------------------------------------------------------------- streams

    public void putStream(ImageStream stream) {
        removeStream(stream.namespace(), stream.name());
        streams.put(stream.repo(), stream);
        List<String> problems = Identities.problems(stream);
        if (!problems.isEmpty()) {
            unsafeStreams.put(stream.repo(), problems);
        }
        contributeStream(stream, 1);
        extensions.putSpecTags(stream);
    }

    public boolean removeStream(String namespace, String name) {
        ImageStream old = streams.remove(namespace + "/" + name);
        if (old == null) {
            return false;
        }
        unsafeStreams.remove(old.repo());
        contributeStream(old, -1);
        extensions.removeSpecTags(old.repo());
        return true;
    }

    private void contributeStream(ImageStream stream, int sign) {
        String repo = stream.repo();
        for (Tag tag : stream.tags()) {
            for (TagEvent item : tag.items()) {
                RevisionHolders holders = revisionsByImage.computeIfAbsent(item.image(), k -> new RevisionHolders());
                holders.add(repo, sign);
                if (holders.isEmpty()) {
                    revisionsByImage.remove(item.image());
                    namedButUnknown.remove(item.image());
                }
                Image image = images.get(item.image());
                if (image != null) {
                    addToRepository(repo, image, sign);
                } else if (!holders.isEmpty()) {
                    namedButUnknown.add(item.image());
                }
            }
        }
    }

    private void addToRepository(String repo, Image image, int revisions) {
        RepositoryCounts counts = repositoryCounts.computeIfAbsent(repo, k -> new RepositoryCounts());
        List<String> blobs = image.blobs();
        if (blobs == null) {
            counts.addUnreadable(revisions);
        } else {
            counts.addManifest(image.name(), revisions);
            for (String blob : blobs) {
                counts.addBlob(blob, revisions);
            }
        }
        if (counts.isEmpty()) {
            repositoryCounts.remove(repo);
        }
    }

    // --------------------------------------------------------------- referrers

    public void putReferrer(Referrer referrer) {
        removeReferrer(referrer.kind(), referrer.namespace(), referrer.name());
        ReferrerEntry entry = new ReferrerEntry(referrer, ReferrerReferences.of(referrer));
        referrers.put(referrer.key(), entry);
        referrersPerKind[referrer.kind().ordinal()]++;
        if (!entry.references().errors().isEmpty()) {
            referrersWithErrors.put(referrer.key(), entry);
        }
        nameDigests(entry.references(), 1);
        if (entry.alwaysCounted()) {
            contributeReferences(entry.references(), 1);
        } else {
            conditionalPods.put(referrer.key(), entry);
            conditionalReferences.add(entry);
        }
        extensions.putEphemeralContainers(referrer, entry.alwaysCounted());
    }

    public boolean removeReferrer(ReferrerKind kind, String namespace, String name) {
        String key = kind.kind() + "/" + (namespace == null ? "" : namespace) + "/" + name;
        ReferrerEntry old = referrers.remove(key);
        if (old == null) {
            return false;
        }
        referrersPerKind[kind.ordinal()]--;
        referrersWithErrors.remove(key);
        extensions.removeEphemeralContainers(key);
        nameDigests(old.references(), -1);
        if (conditionalPods.remove(key) == null) {
            contributeReferences(old.references(), -1);
        } else {
            conditionalReferences.remove(old);
        }
        return true;
    }

    private void nameDigests(ExtractedReferences refs, int sign) {
        for (ImageRef ref : refs.refs()) {
            if (ref.type() == ImageRef.Type.IMAGE) {
                String repository = ref.namespace() + "/" + ref.stream();
                Counts digests = digestsNamedByRepository.computeIfAbsent(repository, k -> new Counts());
                digests.add(ref.value(), sign);
                if (digests.size() == 0) {
                    digestsNamedByRepository.remove(repository);
                }
            }
        }
    }

    /**
     * The digests referrers (counted at a threshold or not) name by digest through the repository {@code ns/stream};
     * empty when none. A copy.
     */
    public Set<String> digestsNamedIn(String repository) {
        Counts digests = digestsNamedByRepository.get(repository);
        return digests == null ? Set.of() : digests.keys();
    }

    private void contributeReferences(ExtractedReferences refs, int sign) {
        for (ImageRef ref : refs.refs()) {
            (ref.type() == ImageRef.Type.TAG ? alwaysUsedTags : alwaysUsedImages).add(ref.key(), sign);
        }
        for (String digest : refs.pinnedDigests()) {
            alwaysPinnedDigests.add(digest, sign);
        }
    }

    /** Removes a custom resource holder ({@link CustomReferrer}); false when the graph does not hold it. */
    public boolean removeCustomReferrer(String kind, String namespace, String name) {
        return extensions.removeCustomReferrer(kind, namespace == null ? "" : namespace, name);
    }

    public boolean removeNamespace(String name) {
        return extensions.removeNamespace(name);
    }

    /** The holders oc does not read, and the namespaces' admin annotations. */
    public ExtensionHolders extensions() {
        return extensions;
    }

    // ------------------------------------------------------------ limit ranges

    public void putLimitRange(LimitRange limitRange) {
        limitRangesByNamespace.computeIfAbsent(limitRange.namespace(), k -> new HashMap<>())
                .put(limitRange.name(), limitRange);
    }

    public boolean removeLimitRange(String namespace, String name) {
        Map<String, LimitRange> ranges = limitRangesByNamespace.get(namespace);
        if (ranges == null || ranges.remove(name) == null) {
            return false;
        }
        if (ranges.isEmpty()) {
            limitRangesByNamespace.remove(namespace);
        }
        return true;
    }

    // ----------------------------------------------------------------- queries

    public Image image(String name) {
        return images.get(name);
    }

    public Collection<Image> images() {
        return Collections.unmodifiableCollection(images.values());
    }

    /** The names of the images that are manifest lists (they name child manifests). */
    public Set<String> manifestLists() {
        return Collections.unmodifiableSet(manifestLists);
    }

    /** The names of the images that carry admin annotations. */
    public Set<String> annotatedImages() {
        return Collections.unmodifiableSet(annotatedImages);
    }

    public ImageStream stream(String repo) {
        return streams.get(repo);
    }

    public Collection<ImageStream> streams() {
        return Collections.unmodifiableCollection(streams.values());
    }

    /** The keys of all streams, {@code <namespace>/<name>}. */
    public Set<String> streamRepos() {
        return Collections.unmodifiableSet(streams.keySet());
    }

    /** Repository → number of revisions naming the image (known or not), a copy; empty when no stream names it. */
    public Map<String, Integer> revisionsNaming(String image) {
        RevisionHolders holders = revisionsByImage.get(image);
        return holders == null ? Map.of() : holders.toMap();
    }

    /** Images named by some stream revision that the graph does not hold. */
    public Set<String> namedButUnknown() {
        return Collections.unmodifiableSet(namedButUnknown);
    }

    /** The manifest lists / OCI indexes that name the digest as a child. */
    public Set<String> manifestListsNaming(String child) {
        Set<String> lists = manifestListsByChild.get(child);
        return lists == null ? Set.of() : Collections.unmodifiableSet(lists);
    }

    public ReferrerEntry referrer(ReferrerKind kind, String namespace, String name) {
        return referrers.get(kind.kind() + "/" + (namespace == null ? "" : namespace) + "/" + name);
    }

    public Collection<ReferrerEntry> referrers() {
        return Collections.unmodifiableCollection(referrers.values());
    }

    /** Referrers with at least one unparsable reference, in no particular order. */
    public Collection<ReferrerEntry> referrersWithErrors() {
        return Collections.unmodifiableCollection(referrersWithErrors.values());
    }

    /** Whether the image carries an identity that must not reach a URL: it and everything it names are kept. */
    public boolean unsafeImage(String name) {
        return unsafeImages.containsKey(name);
    }

    /** Whether the stream's namespace or name must not reach a URL: the stream is left alone. */
    public boolean unsafeStream(String repo) {
        return unsafeStreams.containsKey(repo);
    }

    /** The images carrying an identity that must not reach a URL. */
    public Set<String> unsafeImages() {
        return Collections.unmodifiableSet(unsafeImages.keySet());
    }

    /** Images and streams carrying an identity that must not reach a URL. */
    public int unsafeIdentityCount() {
        return unsafeImages.size() + unsafeStreams.size();
    }

    /** The problem of an object the graph holds, or an empty list (for any other object, too). */
    public List<String> identityProblems(Object object) {
        List<String> problems = null;
        if (object instanceof Image image) {
            problems = unsafeImages.get(image.name());
        } else if (object instanceof ImageStream stream) {
            problems = unsafeStreams.get(stream.repo());
        }
        return problems == null ? List.of() : problems;
    }

    /**
     * Every identity problem: the images' in name order, then the streams' in repository order (deterministic, so a
     * refusal reads the same on every run).
     *
     * @param namespace "" for all streams, otherwise only that namespace's (images are cluster-scoped: always all)
     */
    public List<String> identityProblems(String namespace) {
        if (unsafeImages.isEmpty() && unsafeStreams.isEmpty()) {
            return List.of();
        }
        List<String> problems = new java.util.ArrayList<>();
        new TreeMap<>(unsafeImages).values().forEach(problems::addAll);
        new TreeMap<>(unsafeStreams).forEach((repo, streamProblems) -> {
            if (namespace.isEmpty() || namespace.equals(streams.get(repo).namespace())) {
                problems.addAll(streamProblems);
            }
        });
        return problems;
    }

    /** Pods that count only while young; every other referrer's references are in the always-used counters. */
    public Collection<ReferrerEntry> conditionalPods() {
        return Collections.unmodifiableCollection(conditionalPods.values());
    }

    /** Whether a pod that counts only while young names the tag key ({@code ns/stream:tag}) and counts at the threshold. */
    public boolean conditionallyUsedTag(String key, Instant threshold) {
        return conditionalReferences.tagCounts(key, threshold);
    }

    /** The same for an image key ({@code ns/stream@digest}). */
    public boolean conditionallyUsedImage(String key, Instant threshold) {
        return conditionalReferences.imageCounts(key, threshold);
    }

    /** The same for a digest pinned by a container image or build source. */
    public boolean conditionallyPinned(String digest, Instant threshold) {
        return conditionalReferences.pinCounts(digest, threshold);
    }

    public Counts alwaysUsedTags() {
        return alwaysUsedTags;
    }

    public Counts alwaysUsedImages() {
        return alwaysUsedImages;
    }

    public Counts alwaysPinnedDigests() {
        return alwaysPinnedDigests;
    }

    public Collection<LimitRange> limitRanges(String namespace) {
        Map<String, LimitRange> ranges = limitRangesByNamespace.get(namespace);
        return ranges == null ? List.of() : Collections.unmodifiableCollection(ranges.values());
    }

    /** Counts of a repository over its stream's known revisions; empty counts for an unknown repository. */
    public RepositoryCounts repositoryCounts(String repo) {
        RepositoryCounts counts = repositoryCounts.get(repo);
        return counts == null ? EMPTY_REPOSITORY : counts;
    }

    private static final RepositoryCounts EMPTY_REPOSITORY = new RepositoryCounts();

    /**
     * The images holding a digest: as a layer or config blob, or as their own manifest (the holders whose occurrences
     * {@link #globalCount} counts), each once, in no particular order. Images whose blobs cannot be read are left out.
     * The index is built at the first call; concurrent readers (under the read lock) build it once.
     */
    public List<Image> imagesHolding(String digest) {
        DigestHolders holders = digestHolders;
        return (holders != null ? holders : buildDigestHolders()).holders(digest);
    }

    private synchronized DigestHolders buildDigestHolders() {
        if (digestHolders == null) {
            digestHolders = DigestHolders.of(images.values(), globalCounts.size());
        }
        return digestHolders;
    }

    /** Global count of a blob or manifest digest over all images (algorithm §7.2). */
    public int globalCount(String digest) {
        return globalCounts.get(digest);
    }

    /** Images whose blob list cannot be computed; while there are any, stage 2 deletes nothing. */
    public Set<String> unreadableImages() {
        return Collections.unmodifiableSet(unreadableImages);
    }

    public int imageCount() {
        return images.size();
    }

    public int streamCount() {
        return streams.size();
    }

    public int limitRangeCount() {
        return limitRangesByNamespace.values().stream().mapToInt(Map::size).sum();
    }

    public int referrerCount(ReferrerKind kind) {
        return referrersPerKind[kind.ordinal()];
    }

    public int referrerCount() {
        return referrers.size();
    }
}
