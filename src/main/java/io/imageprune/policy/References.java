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
 * The references that count for one run (spec §5.3): used tags, used images, pinned digests and the invalid
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
    /** {tags, images, pinned} counters of the extensions' always-counted holders the run applies. */
    private final List<Counts[]> extensionCounts = new ArrayList<>(3);
    /**
     * A cluster-wide run's young finished pods: asked key by key through the graph's index of them at this threshold
     * (collecting them at each planning cost most of a targeted re-plan on a big cluster); null for a namespaced run.
     */
    private ReferenceGraph conditionalPods;
    private Instant threshold;

    private References(Counts alwaysTags, Counts alwaysImages, Counts alwaysPinned, List<String> errors) {
        this.alwaysTags = alwaysTags;
        this.alwaysImages = alwaysImages;
        this.alwaysPinned = alwaysPinned;
        this.errors = errors;
    }

    static References of(ReferenceGraph graph, PruneOptions options) {
        References refs;
        if (options.clusterWide()) {
            refs = new References(graph.alwaysUsedTags(), graph.alwaysUsedImages(), graph.alwaysPinnedDigests(),
                    withIdentityProblems(withExtensionErrors(invalidReferences(graph.referrersWithErrors(), options),
                            graph, options), graph, ""));
            refs.conditionalPods = graph;
            refs.threshold = options.threshold();
        } else {
            List<ReferrerEntry> inNamespace = graph.referrers().stream()
                    .filter(e -> e.referrer().namespace().equals(options.namespace()))
                    .toList();
            refs = new References(new Counts(), new Counts(), new Counts(), withIdentityProblems(
                    withExtensionErrors(invalidReferences(inNamespace.stream()
                            .filter(e -> !e.references().errors().isEmpty()).toList(), options), graph, options),
                    graph, options.namespace()));
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
     * Invalid references of counted holders oc does not read count as oc's do (they stop the run unless ignored):
     * after oc's messages, so oc's own order and texts stay as they are.
     */
    private static List<String> withExtensionErrors(List<String> invalidReferences, ReferenceGraph graph,
                                                    PruneOptions options) {
        if (!options.extensions().any()) {
            return invalidReferences;
        }
        List<String> all = null;
        for (Holder holder : countedHolders(graph.extensions(), options)) {
            if (holder.references().hasErrors()) {
                if (all == null) {
                    all = new ArrayList<>(invalidReferences);
                }
                all.addAll(holder.references().errors());
            }
        }
        return all == null ? invalidReferences : all;
    }

    private static List<String> invalidReferences(java.util.Collection<ReferrerEntry> withErrors,
                                                  PruneOptions options) {
        List<ReferrerEntry> counted = new ArrayList<>();
        for (ReferrerEntry entry : withErrors) {
            if (entry.counts(options.threshold())) {
                counted.add(entry);
            }
        }
        counted.sort(OC_COLLECTION_ORDER);
        List<String> messages = new ArrayList<>();
        for (ReferrerEntry entry : counted) {
            messages.addAll(entry.references().errors());
        }
        return messages;
    }

    /**
     * Objects whose identity must not reach a URL count as objects with invalid references: after oc's messages,
     * so oc's own order and texts stay as they are.
     */
    private static List<String> withIdentityProblems(List<String> invalidReferences, ReferenceGraph graph,
                                                     String namespace) {
        List<String> identities = graph.identityProblems(namespace);
        if (identities.isEmpty()) {
            return invalidReferences;
        }
        List<String> all = new ArrayList<>(invalidReferences);
        all.addAll(identities);
        return all;
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

    /** oc's aggregate text: one error prints as itself, several as {@code [e1, e2]} with repeats printed once. */
    static String aggregate(List<String> errors) {
        Set<String> distinct = new LinkedHashSet<>(errors);
        return distinct.size() == 1 ? distinct.iterator().next() : "[" + String.join(", ", distinct) + "]";
    }
}
