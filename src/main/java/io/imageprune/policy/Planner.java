package io.imageprune.policy;

import io.imageprune.graph.Counts;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.graph.RepositoryCounts;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.options.InvalidReferenceMode;
import io.imageprune.reference.Identities;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The two stages of {@code oc adm prune images} (algorithm §6 and §7) over a {@link ReferenceGraph}, plus safety rule
 * 1. Pure and deterministic: streams and images are visited in name order, time comes in through the options.
 */
public final class Planner {
    private final ReferenceGraph graph;
    private final PruneOptions options;
    private final References references;
    private final ScopePolicies policies;
    private final InvalidReferenceContainment containment;
    /** The orphan-signature rule's settled state; null until a signature tag is first decided. */
    private OrphanSignatures signatures;

    private Planner(ReferenceGraph graph, PruneOptions options) {
        this.graph = graph;
        this.options = options;
        this.references = References.of(graph, options);
        this.policies = new ScopePolicies(graph, options);
        this.containment = InvalidReferenceContainment.of(graph, options, references);
    }

    /** What contain mode keeps for the run's invalid references; empty in the other modes. */
    public InvalidReferenceContainment containment() {
        return containment;
    }

    /** A trial planner of {@link OrphanSignatures#settle}: the same run with the rule in a given state. */
    private Planner(Planner run, OrphanSignatures trial) {
        this.graph = run.graph;
        this.options = run.options;
        this.references = run.references;
        this.policies = run.policies;
        this.containment = run.containment;
        this.signatures = trial;
    }

    /**
     * The admin annotations the run reports instead of applying: malformed values, and values that would keep less
     * than the run's settings (unless relaxing is allowed). Sorted; empty unless annotations are on.
     */
    public List<String> annotationNotes() {
        return policies.notes();
    }

    /**
     * Where a stage-1 rule beyond oc comes from for a stream: {@code namespace shop} or {@code imagestream shop/web}
     * for the protect and per-scope rules, null for every other rule.
     */
    public String ruleSource(String repo, Rule rule) {
        ImageStream stream = graph.stream(repo);
        if (stream == null || rule == null) {
            return null;
        }
        return switch (rule) {
            case PROTECTED_NAMESPACE -> policies.protectingNamespace(stream);
            case PROTECTED_STREAM -> "imagestream " + repo;
            case YOUNG_REVISION_IN_SCOPE -> policies.forStream(stream).thresholdFrom();
            case RECENT_REVISION_IN_SCOPE -> policies.forStream(stream).revisionsFrom();
            case CONTAINED_INVALID_REFERENCE -> containment.containing(stream) == null ? null
                    : containment.containing(stream).describe();
            default -> null;
        };
    }

    /** Whether the image carries {@code imageprune.io/protect} and the run applies annotations. */
    public boolean imageProtected(Image image) {
        return policies.imageProtected(image);
    }

    public static Planner of(ReferenceGraph graph, PruneOptions options) {
        return new Planner(graph, options);
    }

    public PruneOptions options() {
        return options;
    }

    /** Invalid-reference messages of the referrers that count, in oc's collection order. */
    public List<String> invalidReferences() {
        return references.errors();
    }

    /**
     * oc refuses to prune anything when a counted referrer has an invalid reference and they are not ignored; contain
     * mode prunes around them.
     */
    public boolean refuses() {
        return options.invalidRefs() == InvalidReferenceMode.STOP && !references.errors().isEmpty();
    }

    public String refusalMessage() {
        return References.aggregate(references.errors());
    }

    // ----------------------------------------------------------------- stage 1

    /** Stage 1 for every stream in scope: the streams that lose revisions, and the streams left alone and why. */
    public StreamStage planStreams() {
        return planStreams(null);
    }

    /**
     * Stage 1 for the given streams only (a targeted pass). Stage 1 decides each stream on its own, so every stream
     * gets exactly the plan a full run would give it.
     *
     * @param targets repositories ({@code <ns>/<name>}) to plan, or null for all
     */
    public StreamStage planStreams(Set<String> targets) {
        List<String> repos = new ArrayList<>(targets == null ? graph.streamRepos() : targets);
        repos.sort(null);
        // each stream is decided on its own, reading only the graph: on every core, collected back in name order
        List<StreamOutcome> outcomes = repos.parallelStream().map(this::decideStream).toList();
        List<StreamPlan> plans = new ArrayList<>();
        Map<String, Rule> untouched = new HashMap<>();
        for (StreamOutcome outcome : outcomes) {
            if (outcome.skip() != null) {
                untouched.put(outcome.repo(), outcome.skip());
            } else if (outcome.plan() != null) {
                plans.add(outcome.plan());
            }
        }
        return new StreamStage(plans, untouched);
    }

    /** One stream's stage 1: a plan, or the rule that leaves it alone, or neither (out of scope, nothing to do). */
    private record StreamOutcome(String repo, StreamPlan plan, Rule skip) {
    }

    private StreamOutcome decideStream(String repo) {
        ImageStream stream = graph.stream(repo);
        if (stream == null || !inScope(stream)) {
            return new StreamOutcome(repo, null, null);
        }
        Rule skip = streamSkip(stream, graph.repositoryCounts(repo));
        if (skip != null) {
            return new StreamOutcome(repo, null, skip);
        }
        return new StreamOutcome(repo, planStream(stream, graph.repositoryCounts(repo), references), null);
    }

    /**
     * algorithm §6.2-6.3 on a copy of the stream just read from the API: counts come from that copy, references and
     * images from the graph as it stands now. This is how a confirmed run re-decides a stream right before writing it,
     * so a reference that appeared after planning keeps its revision. The references are read again for each call: the
     * planner's own are a snapshot wherever they are not the graph's live counters (namespaced runs, pods that count
     * only while young).
     *
     * @return the plan, or null when the copy loses nothing (or the stream is out of scope or skipped as a whole)
     */
    public StreamPlan planFreshStream(ImageStream fresh) {
        if (!inScope(fresh)) {
            return null;
        }
        RepositoryCounts counts = RepositoryCounts.of(fresh, graph::image);
        return streamSkip(fresh, counts) != null ? null : planStream(fresh, counts, References.of(graph, options));
    }

    private boolean inScope(ImageStream stream) {
        return options.prunesStreamsIn(stream.namespace());
    }

    /**
     * algorithm §6.1 and the unreadable-metadata skip of §6.2, after the stream whose identity must not reach a URL:
     * the stream is left alone as a whole, or null.
     */
    private Rule streamSkip(ImageStream stream, RepositoryCounts counts) {
        if (!Identities.problems(stream).isEmpty()) {
            return Rule.UNSAFE_STREAM;
        }
        if (containment.containing(stream) != null) {
            return Rule.CONTAINED_INVALID_REFERENCE;
        }
        if (policies.protectingNamespace(stream) != null) {
            return Rule.PROTECTED_NAMESPACE;
        }
        if (policies.streamProtected(stream)) {
            return Rule.PROTECTED_STREAM;
        }
        if (!options.pruneOverSizeLimit() && stream.created().isAfter(options.threshold())) {
            return Rule.YOUNG_STREAM;
        }
        return counts.unreadableRevisions() > 0 ? Rule.UNREADABLE_STREAM : null;
    }

    /**
     * Safety rule 4 for a run planned with these options: what may still be deleted right now, with the references
     * read from the graph at this call (not the planner's snapshot). Call under the graph's read lock.
     */
    public LastMomentCheck lastMomentCheck() {
        References now = References.of(graph, options);
        return new LastMomentCheck(graph, options, now, InvalidReferenceContainment.of(graph, options, now));
    }

    private StreamPlan planStream(ImageStream stream, RepositoryCounts counts, References references) {
        List<RemovedRevision> removed = new ArrayList<>();
        List<Tag> keptTags = new ArrayList<>();
        Counts manifestsRemoved = new Counts();
        Counts blobsRemoved = new Counts();
        Set<String> layerLinks = new LinkedHashSet<>();
        List<String> manifestLinks = new ArrayList<>();
        for (Tag tag : stream.tags()) {
            List<TagEvent> kept = new ArrayList<>(tag.items().size());
            List<TagEvent> items = tag.items();
            for (int rev = 0; rev < items.size(); rev++) {
                TagEvent item = items.get(rev);
                Rule rule = decideRevision(stream, tag.name(), rev, item, references);
                if (!rule.removes()) {
                    kept.add(item);
                    continue;
                }
                removed.add(new RemovedRevision(tag.name(), rev, item.image(), rule, item.created()));
                if (rule != Rule.DANGLING && options.pruneRegistry()) {
                    Image image = graph.image(item.image());
                    if (decrementReachesZero(manifestsRemoved, image.name(), counts.manifest(image.name()))) {
                        manifestLinks.add(image.name());
                    }
                    for (String blob : image.blobs()) {
                        if (decrementReachesZero(blobsRemoved, blob, counts.blob(blob))) {
                            layerLinks.add(blob);
                        }
                    }
                }
            }
            if (!kept.isEmpty()) {
                keptTags.add(kept.size() == items.size() ? tag : new Tag(tag.name(), kept));
            }
        }
        if (removed.isEmpty()) {
            return null;
        }
        keepLinksStillPulled(stream, keptTags, layerLinks, manifestLinks, references);
        Set<String> remainingTagNames = new HashSet<>();
        keptTags.forEach(t -> remainingTagNames.add(t.name()));
        List<String> removedTags = new ArrayList<>();
        for (Tag tag : stream.tags()) {
            if (!remainingTagNames.contains(tag.name())) {
                removedTags.add(tag.name());
            }
        }
        ImageStream pruned = stream.withTags(keptTags);
        return new StreamPlan(stream, pruned, List.copyOf(removed), List.copyOf(removedTags),
                List.copyOf(layerLinks), List.copyOf(manifestLinks));
    }

    /**
     * Drops from the stream's link deletions what is still pulled through the repository (docs/algorithm.md §6.2).
     * The repository counts hold each revision's own image only, but a kept manifest list is pulled with its children
     * (and theirs), and, under safety rule 1 (pinned images; off with {@code --oc-exact}), a referrer that counts
     * and names {@code repository@digest} pulls that image through the repository even when it is no revision of
     * the stream (any more: the stream was deleted and created again, or the image was pushed there without a tag).
     * Their manifests and blobs keep their links. A child the graph does not know, or whose blobs cannot be read, may
     * hold any blob, so then no layer link of the stream is deleted (stale is unsafe). A named image the graph does
     * not know at all protects nothing, as in oc: the cluster has no such image.
     */
    private void keepLinksStillPulled(ImageStream stream, List<Tag> keptTags, Set<String> layerLinks,
                                      List<String> manifestLinks, References references) {
        if (layerLinks.isEmpty() && manifestLinks.isEmpty()) {
            return;
        }
        Set<String> pulledImages = new LinkedHashSet<>();
        for (Tag tag : keptTags) {
            for (TagEvent item : tag.items()) {
                Image image = graph.image(item.image());
                if (image != null && !image.manifestDigests().isEmpty()) {
                    pulledImages.add(image.name());
                }
            }
        }
        if (options.keepPinnedImages()) {
            pulledImages.addAll(imagesNamedThrough(stream.namespace(), stream.name(), graph, references));
        }
        RepositoryPulls pulls = new RepositoryPulls(graph);
        for (String name : pulledImages) {
            RepositoryPulls.Pull pull = pulls.of(name);
            manifestLinks.removeAll(pull.digests());
            if (pull.unknownBlobs()) {
                layerLinks.clear();
            } else {
                layerLinks.removeAll(pull.digests());
            }
        }
    }

    /** The images of the graph that a counted referrer names by digest through the repository {@code ns/name}. */
    static List<String> imagesNamedThrough(String namespace, String name, ReferenceGraph graph, References references) {
        List<String> named = new ArrayList<>();
        for (String digest : graph.digestsNamedIn(namespace + "/" + name)) {
            if (graph.image(digest) != null && references.imageUsed(namespace, name, digest)) {
                named.add(digest);
            }
        }
        return named;
    }

    /**
     * The stage-1 rule {@link #planStreams()} applies to one revision: the stream-level skip when the whole stream is
     * left alone, otherwise the revision's own rule. Exposed so an explanation cannot drift from the plan.
     *
     * @return null when the stream, tag or index does not exist or the stream is outside the run's namespace
     */
    public Rule revisionRule(String repo, String tagName, int index) {
        ImageStream stream = graph.stream(repo);
        if (stream == null || !inScope(stream)) {
            return null;
        }
        for (Tag tag : stream.tags()) {
            if (tag.name().equals(tagName)) {
                if (index < 0 || index >= tag.items().size()) {
                    return null;
                }
                Rule skip = streamSkip(stream, graph.repositoryCounts(repo));
                return skip != null ? skip
                        : decideRevision(stream, tagName, index, tag.items().get(index), references);
            }
        }
        return null;
    }

    /** Counts one more removal of a digest; true exactly when that removes its last reference. */
    private static boolean decrementReachesZero(Counts removed, String digest, int count) {
        return removed.add(digest, 1) == count;
    }

    /** oc's rule for the revision, then the orphan-signature rule where the run applies it to a signature tag. */
    private Rule decideRevision(ImageStream stream, String tag, int rev, TagEvent item, References references) {
        Rule rule = ocRevisionRule(stream, tag, rev, item, references);
        if (!options.extensions().orphanSignatures() || OrphanSignatures.subject(tag) == null) {
            return rule;
        }
        return signatures().adjust(tag, rev, item, rule, options.pruneOverSizeLimit(),
                event -> references.imageUsed(stream.namespace(), stream.name(), event.image()));
    }

    // synchronized: streams are decided on several threads, and the rule settles once for all of them
    private synchronized OrphanSignatures signatures() {
        if (signatures == null) {
            signatures = OrphanSignatures.settle(graph, references::pinned,
                    trial -> new Planner(this, trial).wholeRunDeletions());
        }
        return signatures;
    }

    /** The images a dry run of the whole cluster deletes in stage 2. */
    private Set<String> wholeRunDeletions() {
        Set<String> deleted = new HashSet<>();
        planImages(planStreams().prunedStreams()).plans().forEach(plan -> deleted.add(plan.image().name()));
        return deleted;
    }

    /**
     * How explain names the subject of a signature tag's revision: {@code absent image sha256:...}, {@code image
     * sha256:... deleted in this run} or {@code kept image sha256:...}; null for other tags or with the rule off.
     */
    public String signatureSubject(String tagName) {
        if (!options.extensions().orphanSignatures() || OrphanSignatures.subject(tagName) == null) {
            return null;
        }
        return signatures().describeSubject(tagName);
    }

    /** algorithm §6.3: the first matching rule decides. */
    private Rule ocRevisionRule(ImageStream stream, String tag, int rev, TagEvent item, References references) {
        // the stream's settings: the run's, unless an annotation keeps more (or, when allowed, less)
        ScopePolicies.StreamPolicy policy = policies.forStream(stream);
        if (!options.pruneOverSizeLimit() && item.created().isAfter(policy.threshold())) {
            return policy.thresholdFrom() == null || item.created().isAfter(options.threshold())
                    ? Rule.YOUNG_REVISION : Rule.YOUNG_REVISION_IN_SCOPE;
        }
        if (rev == 0 && references.tagUsed(stream.namespace(), stream.name(), tag)) {
            return Rule.TAG_IN_USE;
        }
        Image image = graph.image(item.image());
        if (image == null) {
            return Rule.DANGLING;
        }
        if (graph.unsafeImage(image.name())) {
            // removing the revision would delete links of the names it carries
            return Rule.UNSAFE_IMAGE;
        }
        if (policies.imageProtected(image)) {
            return Rule.PROTECTED_IMAGE;
        }
        if (options.pruneOverSizeLimit()) {
            if (!exceedsLimits(image, stream.namespace())) {
                return Rule.WITHIN_LIMITS;
            }
        } else if (rev < policy.keepTagRevisions()) {
            return policy.revisionsFrom() == null || rev < options.keepTagRevisions()
                    ? Rule.RECENT_REVISION : Rule.RECENT_REVISION_IN_SCOPE;
        }
        if (references.imageUsed(stream.namespace(), stream.name(), image.name())) {
            return Rule.IMAGE_IN_USE;
        }
        return options.pruneOverSizeLimit() ? Rule.EXCEEDS_LIMITS : Rule.OLD_REVISION;
    }

    /**
     * algorithm §6.5: some {@code openshift.io/Image} max.storage of the namespace is strictly below the image size.
     */
    private boolean exceedsLimits(Image image, String namespace) {
        if (!image.hasMetadata()) {
            return false;
        }
        for (LimitRange range : graph.limitRanges(namespace)) {
            for (long max : range.imageMaxStorage()) {
                if (max < image.size()) {
                    return true;
                }
            }
        }
        return false;
    }

    // ----------------------------------------------------------------- stage 2

    /**
     * Stage 2 given the outcome of stage 1.
     *
     * @param streamsAfterStage1 repository → the stream as it stands after stage 1 (the written copy), or null when
     *                           the stream was found deleted; streams not in the map stand as listed
     */
    public ImageStage planImages(Map<String, ImageStream> streamsAfterStage1) {
        return planImages(streamsAfterStage1, null);
    }

    /**
     * Stage 2 for a targeted pass: the images to delete among the targets, plus every image a full run would delete
     * that shares with one of them (transitively) a digest the full run deletes ({@link DeletionComponent}). A blob is
     * deleted when its last holder goes, so only this closure gives each image exactly the blob deletions of a full
     * run. A targeted pass decides only the images it reaches ({@link ImageFactsOnDemand}), not the whole graph.
     *
     * @param targets image names to consider, or null for all
     */
    public ImageStage planImages(Map<String, ImageStream> streamsAfterStage1, Set<String> targets) {
        if (!options.stageTwoRuns()) {
            return ImageStage.skippedStage();
        }
        if (!graph.unreadableImages().isEmpty()) {
            String name = graph.unreadableImages().stream().sorted().findFirst().orElseThrow();
            return ImageStage.aborted("image " + name + ": failed to read metadata for image " + name);
        }
        String[] names;
        if (targets == null) {
            ImageFacts facts = wholeGraphFacts(streamsAfterStage1);
            // each decision reads only the graph and the facts, so the images are decided on every core
            names = graph.images().parallelStream()
                    .filter(image -> decideImage(image, facts).removes())
                    .map(Image::name)
                    .toArray(String[]::new);
        } else {
            ImageFacts facts = new ImageFactsOnDemand(graph, options, references, policies, streamsAfterStage1);
            names = DeletionComponent.of(graph, targets, image -> decideImage(image, facts).removes()).stream()
                    .map(Image::name)
                    .toArray(String[]::new);
        }
        // name order makes the attribution of a shared blob to one image, which matters on failures, repeatable
        Arrays.parallelSort(names);
        Counts removedGlobally = new Counts(names.length * 6);
        List<ImagePlan> plans = new ArrayList<>(names.length);
        for (String name : names) {
            Image image = graph.image(name);
            List<String> blobDeletions = new ArrayList<>();
            boolean manifestBlob = false;
            if (options.pruneRegistry()) {
                for (String blob : image.blobs()) {
                    if (decrementReachesZero(removedGlobally, blob, graph.globalCount(blob))) {
                        blobDeletions.add(blob);
                    }
                }
                manifestBlob = decrementReachesZero(removedGlobally, image.name(), graph.globalCount(image.name()));
            }
            // UNREFERENCED_IMAGE is the only stage-2 rule that deletes (decideImage)
            plans.add(new ImagePlan(image, Rule.UNREFERENCED_IMAGE, List.copyOf(blobDeletions), manifestBlob));
        }
        return ImageStage.of(plans);
    }

    /**
     * The stage-2 rule {@link #planImages(Map)} applies to each named image, from the same used and pinned sets. Only
     * meaningful when stage 2 runs (cluster-wide, no unreadable image); unknown names are left out.
     */
    public Map<String, Rule> imageRules(Map<String, ImageStream> streamsAfterStage1, Set<String> names) {
        ImageFacts facts = wholeGraphFacts(streamsAfterStage1);
        Map<String, Rule> rules = new HashMap<>();
        for (String name : names) {
            Image image = graph.image(name);
            if (image != null) {
                rules.put(name, decideImage(image, facts));
            }
        }
        return rules;
    }

    /**
     * The pinned set, the longest to gather (a look-up per image), is gathered on another core while this one
     * gathers the rest: each only reads the graph.
     */
    private ImageFacts wholeGraphFacts(Map<String, ImageStream> streamsAfterStage1) {
        CompletableFuture<Set<String>> pinned = options.keepPinnedImages()
                ? CompletableFuture.supplyAsync(this::pinnedImages)
                : CompletableFuture.completedFuture(Set.of());
        Set<String> unsafe = unsafeImagesAndChildren();
        Set<String> used = usedImages(streamsAfterStage1);
        Set<String> protectedImages = protectedImagesAndChildren();
        return ImageFacts.of(unsafe, used, pinned.join(), protectedImages);
    }

    /**
     * An image whose identity must not reach a URL is kept with everything it names, whatever oc's rules say; then
     * algorithm §7.3 rules 1-3, then safety rule 1.
     */
    private Rule decideImage(Image image, ImageFacts facts) {
        if (facts.unsafe(image.name())) {
            return graph.unsafeImage(image.name()) ? Rule.UNSAFE_IMAGE : Rule.NAMED_BY_UNSAFE_IMAGE;
        }
        if (facts.used(image.name())) {
            return Rule.IMAGE_IN_STREAM;
        }
        if (!options.allImages() && !image.managed()) {
            return Rule.UNMANAGED;
        }
        if (!options.pruneOverSizeLimit() && image.created().isAfter(options.threshold())) {
            return Rule.YOUNG_IMAGE;
        }
        if (facts.protectedImage(image.name())) {
            return Rule.PROTECTED_IMAGE;
        }
        if (facts.pinned(image.name())) {
            return Rule.PINNED;
        }
        if (containment.containingImage(image.name()) != null) {
            return Rule.CONTAINED_IMAGE;
        }
        return Rule.UNREFERENCED_IMAGE;
    }

    /**
     * algorithm §7.1: every image named by a remaining revision, then the children of kept manifest lists. oc walks the
     * lists once in arbitrary order; following nested lists to the end is the outcome of its safest order.
     */
    private Set<String> usedImages(Map<String, ImageStream> streamsAfterStage1) {
        Set<String> used = new HashSet<>();
        for (String repo : graph.streamRepos()) {
            ImageStream stream = streamsAfterStage1.containsKey(repo) ? streamsAfterStage1.get(repo) : graph.stream(repo);
            if (stream == null) {
                continue;
            }
            for (Tag tag : stream.tags()) {
                for (TagEvent item : tag.items()) {
                    used.add(item.image());
                }
            }
        }
        addManifestListChildren(used);
        return used;
    }

    /**
     * Safety rule 1: images that a counted referrer names by digest, with everything their manifest lists point at
     * (a pinned multi-arch image is pulled through its children).
     */
    private Set<String> pinnedImages() {
        Set<String> pinned = new HashSet<>();
        for (Image image : graph.images()) {
            if (references.pinned(image.name())) {
                pinned.add(image.name());
            }
        }
        addManifestListChildren(pinned);
        return pinned;
    }

    /**
     * Images annotated {@code imageprune.io/protect: "true"}, with everything their manifest lists name (a protected
     * multi-arch image is pulled through its children); empty unless annotations are on.
     */
    private Set<String> protectedImagesAndChildren() {
        if (!options.extensions().annotations()) {
            return Set.of();
        }
        Set<String> protectedImages = new HashSet<>();
        for (String name : graph.annotatedImages()) {
            Image image = graph.image(name);
            if (!image.annotations().protect().isEmpty() && policies.imageProtected(image)) {
                protectedImages.add(name);
            }
        }
        addManifestListChildren(protectedImages);
        return protectedImages;
    }

    /** The images whose identity must not reach a URL, with everything their manifest lists name. */
    private Set<String> unsafeImagesAndChildren() {
        if (graph.unsafeImages().isEmpty()) {
            return Set.of();
        }
        Set<String> unsafe = new HashSet<>(graph.unsafeImages());
        addManifestListChildren(unsafe);
        return unsafe;
    }

    /** Adds the children of every manifest list in the set, and theirs, to the set. */
    private void addManifestListChildren(Set<String> images) {
        Deque<String> indexes = new ArrayDeque<>();
        // the graph's lists are few; the set may hold every image
        for (String list : graph.manifestLists()) {
            if (images.contains(list)) {
                indexes.add(list);
            }
        }
        while (!indexes.isEmpty()) {
            for (String child : graph.image(indexes.pop()).manifestDigests()) {
                if (images.add(child)) {
                    Image image = graph.image(child);
                    if (image != null && !image.manifestDigests().isEmpty()) {
                        indexes.add(child);
                    }
                }
            }
        }
    }
}
