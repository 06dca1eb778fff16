package io.imageprune.policy;

import io.imageprune.graph.Counts;
import io.imageprune.graph.ExtensionHolders;
import io.imageprune.graph.ExtensionHolders.Holder;
import io.imageprune.graph.ExtensionHolders.Source;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.graph.ReferrerEntry;
import io.imageprune.reference.ExtractedReferences;
import io.imageprune.reference.ImageRef;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The references that count for one run (algorithm §5.3): used tags, used images, pinned digests and the invalid
 * references, for the run's threshold and namespace. Cluster-wide runs start from the graph's maintained counters and
 * add only the young pods; a namespaced run looks only at that namespace's referrers.
 */
final class References {
    private static final Comparator<ReferrerEntry> OC_COLLECTION_ORDER = Comparator
            .comparing((ReferrerEntry e) -> e.referrer().kind())
            .thenComparing(e -> e.referrer().namespace())
            .thenComparing(e -> e.referrer().name());

    private final Counts alwaysTags;
    private final Counts alwaysImages;
    private final Counts alwaysPinned;
    private final Set<String> extraTags = new HashSet<>();
    private final Set<String> extraImages = new HashSet<>();
    private final Set<String> extraPinned = new HashSet<>();
    private final List<String> errors;
    /** The invalid references of the referrers and holders that count, with their holders, in {@link #errors} order. */
    private final List<InvalidReferenceContainment.Held> invalid;
    /** {tags, images, pinned} counters of the extensions' always-counted holders the run applies. */
    private final List<Counts[]> extensionCounts = new ArrayList<>(3);
    /**
     * A cluster-wide run's young finished pods: asked key by key through the graph's index of them at this threshold
     * (collecting them at each planning cost most of a targeted re-plan on a big cluster); null for a namespaced run.
     */
    private ReferenceGraph conditionalPods;
    private Instant threshold;

    private References(Counts alwaysTags, Counts alwaysImages, Counts alwaysPinned,
                       List<InvalidReferenceContainment.Held> invalid, List<String> identityProblems) {
        this.alwaysTags = alwaysTags;
        this.alwaysImages = alwaysImages;
        this.alwaysPinned = alwaysPinned;
        this.invalid = invalid;
        List<String> messages = new ArrayList<>(invalid.size() + identityProblems.size());
        invalid.forEach(held -> messages.add(held.reference().message()));
        messages.addAll(identityProblems);
        this.errors = messages;
    }

    static References of(ReferenceGraph graph, PruneOptions options) {
        References refs;
        List<InvalidReferenceContainment.Held> invalid = countedInvalidReferences(graph, options);
        List<String> identityProblems = graph.identityProblems(options.namespace());
        if (options.clusterWide()) {
            refs = new References(graph.alwaysUsedTags(), graph.alwaysUsedImages(), graph.alwaysPinnedDigests(),
                    invalid, identityProblems);
            refs.conditionalPods = graph;
            refs.threshold = options.threshold();
        } else {
            List<ReferrerEntry> inNamespace = graph.referrers().stream()
                    .filter(e -> e.referrer().namespace().equals(options.namespace()))
                    .toList();
            refs = new References(new Counts(), new Counts(), new Counts(), invalid, identityProblems);
            for (ReferrerEntry entry : inNamespace) {
                if (entry.counts(options.threshold())) {
                    refs.addExtra(entry.references());
                }
            }
        }
        refs.addExtensions(graph.extensions(), options);
        return refs;
    }

    /**
     * The references of the holders oc does not read, for the extensions the run applies: a cluster-wide run adds the
     * always-counted ones from the maintained counters and the conditional ones that count at its threshold; a
     * namespaced run only that namespace's holders.
     */
    private void addExtensions(ExtensionHolders extensions, PruneOptions options) {
        for (Source source : Source.values()) {
            if (!options.extensions().reads(source)) {
                continue;
            }
            if (options.clusterWide()) {
                extensionCounts.add(new Counts[] {extensions.usedTags(source), extensions.usedImages(source),
                        extensions.pinnedDigests(source)});
                for (Holder holder : extensions.conditionalHolders(source)) {
                    if (holder.counts(options.threshold())) {
                        addExtra(holder.references());
                    }
                }
            } else {
                for (Holder holder : extensions.holders(source)) {
                    if (holder.namespace().equals(options.namespace()) && holder.counts(options.threshold())) {
                        addExtra(holder.references());
                    }
                }
            }
        }
    }

    /**
     * The holders oc does not read that count, for the extensions the run applies, in a stable order: source, then
     * namespace and name.
     */
    static List<Holder> countedHolders(ExtensionHolders extensions, PruneOptions options) {
        List<Holder> counted = new ArrayList<>();
        for (Source source : Source.values()) {
            if (!options.extensions().reads(source)) {
                continue;
            }
            for (Holder holder : extensions.holders(source)) {
                if (holder.counts(options.threshold())
                        && (options.clusterWide() || holder.namespace().equals(options.namespace()))) {
                    counted.add(holder);
                }
            }
        }
        counted.sort(Comparator.comparing(Holder::source).thenComparing(Holder::kind)
                .thenComparing(Holder::namespace).thenComparing(Holder::name));
        return counted;
    }

    /**
     * The invalid references of the referrers that count (oc's, in oc's collection order), then those of the counted
     * holders oc does not read, for the extensions the run applies (they stop the run unless ignored, as oc's do;
     * after oc's, so oc's own order and texts stay as they are). Reads only the referrers with errors: cheap enough
     * for a status page or a metric.
     */
    static List<InvalidReferenceContainment.Held> countedInvalidReferences(ReferenceGraph graph,
                                                                         PruneOptions options) {
        List<ReferrerEntry> counted = new ArrayList<>();
        for (ReferrerEntry entry : graph.referrersWithErrors()) {
            if (entry.counts(options.threshold())
                    && (options.clusterWide() || entry.referrer().namespace().equals(options.namespace()))) {
                counted.add(entry);
            }
        }
        counted.sort(OC_COLLECTION_ORDER);
        List<InvalidReferenceContainment.Held> invalid = new ArrayList<>();
        for (ReferrerEntry entry : counted) {
            String holder = entry.referrer().kind().kind() + " " + qualified(entry.referrer().namespace(),
                    entry.referrer().name());
            entry.references().invalid().forEach(ref -> invalid.add(new InvalidReferenceContainment.Held(holder, ref)));
        }
        if (options.extensions().any()) {
            for (Holder holder : countedHolders(graph.extensions(), options)) {
                holder.references().invalid().forEach(ref ->
                        invalid.add(new InvalidReferenceContainment.Held(holder.describe(), ref)));
            }
        }
        return invalid;
    }

    private static String qualified(String namespace, String name) {
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }

    private void addExtra(ExtractedReferences refs) {
        for (ImageRef ref : refs.refs()) {
            (ref.type() == ImageRef.Type.TAG ? extraTags : extraImages).add(ref.key());
        }
        extraPinned.addAll(refs.pinnedDigests());
    }

    boolean tagUsed(String namespace, String stream, String tag) {
        String key = namespace + "/" + stream + ":" + tag;
        return alwaysTags.contains(key) || extraTags.contains(key) || inExtensions(0, key)
                || conditionalPods != null && conditionalPods.conditionallyUsedTag(key, threshold);
    }

    private boolean inExtensions(int which, String key) {
        for (Counts[] counts : extensionCounts) {
            if (counts[which].contains(key)) {
                return true;
            }
        }
        return false;
    }

    boolean imageUsed(String namespace, String stream, String digest) {
        String key = namespace + "/" + stream + "@" + digest;
        return alwaysImages.contains(key) || extraImages.contains(key) || inExtensions(1, key)
                || conditionalPods != null && conditionalPods.conditionallyUsedImage(key, threshold);
    }

    boolean pinned(String digest) {
        return alwaysPinned.contains(digest) || extraPinned.contains(digest) || inExtensions(2, digest)
                || conditionalPods != null && conditionalPods.conditionallyPinned(digest, threshold);
    }

    /**
     * Invalid-reference messages of counted referrers in oc's collection order, duplicates kept, then the identity
     * problems of images and streams.
     */
    List<String> errors() {
        return errors;
    }

    /** The invalid references behind {@link #errors()} (the identity problems aside), with their holders. */
    List<InvalidReferenceContainment.Held> invalid() {
        return invalid;
    }

    /** oc's aggregate text: one error prints as itself, several as {@code [e1, e2]} with repeats printed once. */
    static String aggregate(List<String> errors) {
        Set<String> distinct = new LinkedHashSet<>(errors);
        return distinct.size() == 1 ? distinct.iterator().next() : "[" + String.join(", ", distinct) + "]";
    }
}
