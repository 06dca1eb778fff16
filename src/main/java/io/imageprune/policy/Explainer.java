package io.imageprune.policy;

import io.imageprune.graph.ExtensionHolders;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.graph.ReferrerEntry;
import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.Referrer;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.policy.ImageExplanation.BlobShare;
import io.imageprune.policy.ImageExplanation.How;
import io.imageprune.policy.ImageExplanation.ManifestList;
import io.imageprune.policy.ImageExplanation.Protection;
import io.imageprune.policy.ImageExplanation.ReferrerUse;
import io.imageprune.policy.ImageExplanation.Revision;
import io.imageprune.policy.ImageExplanation.Stage2;
import io.imageprune.policy.ImageExplanation.Verdict;
import io.imageprune.reference.ExtractedReferences;
import io.imageprune.reference.ImageRef;
import io.imageprune.reference.ReferrerReferences;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Explains one image under one run's options. Every decision comes from the {@link Planner} itself (its per-revision
 * and per-image rules, with stage 2 fed the streams as a dry run leaves them), so the explanation cannot disagree with
 * the plan; this class only gathers the evidence around those decisions. Use one explainer for one state of the
 * graph (it caches stage 1), under the graph's read lock.
 */
public final class Explainer {
    private final ReferenceGraph graph;
    private final Planner planner;
    /** Stage 1 is the same for every image of one explainer; computed once, on first need. */
    private Map<String, ImageStream> streamsAfterStage1;

    public Explainer(ReferenceGraph graph, PruneOptions options) {
        this.graph = graph;
        this.planner = Planner.of(graph, options);
    }

    public ImageExplanation explain(String name) {
        PruneOptions options = planner.options();
        Image image = graph.image(name);
        boolean refused = planner.refuses();
        List<Revision> revisions = revisions(name, refused);
        List<ReferrerUse> referrers = referrers(name, options);

        Stage2 stage2;
        String reason;
        Map<String, Rule> rules = Map.of();
        Set<String> lists = new TreeSet<>(graph.manifestListsNaming(name));
        if (image == null) {
            stage2 = Stage2.UNKNOWN;
            reason = "the graph holds no image " + name;
        } else if (refused) {
            stage2 = Stage2.REFUSED;
            reason = "the run refuses to prune anything because of invalid references: " + planner.refusalMessage();
        } else if (!options.clusterWide()) {
            stage2 = Stage2.NAMESPACED;
            reason = "namespaced run (" + options.namespace() + "): stage 2 does not run, so no image is deleted";
        } else if (!options.stageTwoRuns()) {
            stage2 = Stage2.NAMESPACED;
            reason = options.graphScopeLimit();
        } else if (!graph.unreadableImages().isEmpty()) {
            stage2 = Stage2.ABORTED;
            reason = "stage 2 deletes nothing while an image has unreadable metadata, e.g. "
                    + new TreeSet<>(graph.unreadableImages()).first();
        } else {
            stage2 = Stage2.DECIDED;
            Set<String> asked = new HashSet<>(lists);
            asked.add(name);
            rules = planner.imageRules(streamsAfterDryRunStage1(), asked);
            reason = rules.get(name).description();
        }
        Rule rule = rules.get(name);
        Verdict verdict = image == null ? Verdict.UNKNOWN_IMAGE
                : rule != null && rule.removes() ? Verdict.PRUNABLE : Verdict.KEPT;

        List<ManifestList> manifestLists = new ArrayList<>();
        for (String list : lists) {
            Rule listRule = rules.get(list);
            manifestLists.add(new ManifestList(list, listRule, listRule == null || !listRule.removes()));
        }
        Blobs blobs = image == null ? new Blobs(List.of(), 0, 0) : blobs(image);
        return new ImageExplanation(name, verdict, rule, reason, stage2, image == null ? null : image.created(),
                image != null && image.managed(), referrers, revisions, manifestLists, blobs.shares,
                blobs.sharingImages, blobs.bytes, beyondOc(name, image, revisions, lists, options));
    }

    /**
     * What keeps the image beyond oc: the holders oc does not read that name it (counted in this run, for the
     * extensions the run applies), the protect annotations on it, its manifest lists, streams and namespaces, and the
     * per-scope annotations that keep one of its revisions. Then the annotations the run reports instead.
     */
    private List<String> beyondOc(String name, Image image, List<Revision> revisions, Set<String> lists,
                                  PruneOptions options) {
        List<String> lines = new ArrayList<>();
        for (ExtensionHolders.Holder holder : References.countedHolders(graph.extensions(), options)) {
            for (ExtensionHolders.Field field : holder.fields()) {
                ExtractedReferences refs = field.references();
                String by = holder.describe() + " (" + field.field() + ")";
                if (refs.pinnedDigests().contains(name) && options.keepPinnedImages()) {
                    lines.add("kept: pinned by " + by);
                }
                for (ImageRef ref : refs.refs()) {
                    String stream = ref.namespace() + "/" + ref.stream();
                    if (ref.type() == ImageRef.Type.IMAGE ? ref.value().equals(name)
                            : name.equals(currentImage(stream, ref.value()))) {
                        lines.add("kept: " + (ref.type() == ImageRef.Type.IMAGE ? "image in stream " + stream
                                : "tag " + ref.key()) + " in use by " + by);
                    }
                }
            }
        }
        for (Revision revision : revisions) {
            String from = planner.ruleSource(revision.repository(), revision.rule());
            if (from != null) {
                String line = switch (revision.rule()) {
                    case PROTECTED_NAMESPACE, PROTECTED_STREAM -> "protected by annotation on " + from;
                    case YOUNG_REVISION_IN_SCOPE -> "revision " + revision.repository() + ":" + revision.tag() + " #"
                            + revision.index() + " kept by the keep-younger-than annotation on " + from;
                    case RECENT_REVISION_IN_SCOPE -> "revision " + revision.repository() + ":" + revision.tag() + " #"
                            + revision.index() + " kept by the keep-tag-revisions annotation on " + from;
                    default -> null;
                };
                if (line != null && !lines.contains(line)) {
                    lines.add(line);
                }
            }
        }
        lines.addAll(signatureLines(revisions));
        if (image != null && planner.imageProtected(image)) {
            lines.add("protected by annotation on image " + name);
        }
        for (String list : lists) {
            Image listImage = graph.image(list);
            if (listImage != null && planner.imageProtected(listImage)) {
                lines.add("protected by annotation on manifest list " + list);
            }
        }
        lines.addAll(planner.containment().explain(name,
                revisions.stream().map(Revision::repository).toList()));
        for (String note : planner.annotationNotes()) {
            lines.add("annotation reported, not applied: " + note);
        }
        return lines;
    }

    /** The revisions the orphan-signature rule decides, with their subject ("signature of absent image ..."). */
    private List<String> signatureLines(List<Revision> revisions) {
        List<String> lines = new ArrayList<>();
        for (Revision revision : revisions) {
            if (revision.rule() != Rule.ORPHAN_SIGNATURE && revision.rule() != Rule.SIGNATURE_OF_KEPT_IMAGE) {
                continue;
            }
            String subject = planner.signatureSubject(revision.tag());
            String where = " (revision " + revision.repository() + ":" + revision.tag() + " #" + revision.index() + ")";
            lines.add((revision.rule() == Rule.ORPHAN_SIGNATURE ? "removed: " : "kept: ") + "signature of " + subject
                    + where);
        }
        return lines;
    }

    /** What stage 2 sees in a dry run: every stream plan written as planned. */
    private Map<String, ImageStream> streamsAfterDryRunStage1() {
        if (streamsAfterStage1 == null) {
            streamsAfterStage1 = planner.planStreams().prunedStreams();
        }
        return streamsAfterStage1;
    }

    private List<Revision> revisions(String name, boolean refused) {
        List<Revision> revisions = new ArrayList<>();
        for (String repo : new TreeSet<>(graph.revisionsNaming(name).keySet())) {
            ImageStream stream = graph.stream(repo);
            if (stream == null) {
                continue;
            }
            for (Tag tag : stream.tags()) {
                List<TagEvent> items = tag.items();
                for (int index = 0; index < items.size(); index++) {
                    if (items.get(index).image().equals(name)) {
                        Rule rule = planner.revisionRule(repo, tag.name(), index);
                        revisions.add(new Revision(repo, tag.name(), index, items.get(index).created(), rule,
                                !refused && rule != null && rule.removes()));
                    }
                }
            }
        }
        return revisions;
    }

    private List<ReferrerUse> referrers(String name, PruneOptions options) {
        List<ReferrerEntry> entries = new ArrayList<>(graph.referrers());
        entries.sort(Comparator.comparing((ReferrerEntry e) -> e.referrer().kind())
                .thenComparing(e -> e.referrer().namespace()).thenComparing(e -> e.referrer().name()));
        List<ReferrerUse> uses = new ArrayList<>();
        for (ReferrerEntry entry : entries) {
            Referrer r = entry.referrer();
            boolean counts = entry.counts(options.threshold())
                    && (options.clusterWide() || r.namespace().equals(options.namespace()));
            if (r.kind().isBuild()) {
                BuildSource source = r.buildSource();
                if (source != null) {
                    addUse(uses, r, "spec.strategy.from " + source.kind(), source.name(), counts,
                            entry.references(), name);
                }
                continue;
            }
            // the graph parses a referrer as a whole; one container at a time tells which field says what
            for (Container container : r.containers()) {
                Referrer alone = new Referrer(r.kind(), r.namespace(), r.name(), r.created(), r.phase(),
                        List.of(container), null);
                addUse(uses, r, (container.init() ? "init container " : "container ") + container.name(),
                        container.image(), counts, ReferrerReferences.of(alone), name);
            }
        }
        return uses;
    }

    private void addUse(List<ReferrerUse> uses, Referrer r, String field, String reference, boolean counts,
                        ExtractedReferences refs, String name) {
        List<Protection> protections = new ArrayList<>();
        if (refs.pinnedDigests().contains(name)) {
            protections.add(new Protection(How.PINS_DIGEST, null));
        }
        for (ImageRef ref : refs.refs()) {
            String stream = ref.namespace() + "/" + ref.stream();
            if (ref.type() == ImageRef.Type.IMAGE) {
                if (ref.value().equals(name)) {
                    protections.add(new Protection(How.USES_IMAGE_IN_STREAM, stream));
                }
            } else if (name.equals(currentImage(stream, ref.value()))) {
                protections.add(new Protection(How.USES_TAG, ref.key()));
            }
        }
        if (!protections.isEmpty()) {
            uses.add(new ReferrerUse(r.kind(), r.namespace(), r.name(), field, reference, counts,
                    protections.stream().distinct().toList()));
        }
    }

    private String currentImage(String repo, String tagName) {
        ImageStream stream = graph.stream(repo);
        if (stream == null) {
            return null;
        }
        for (Tag tag : stream.tags()) {
            if (tag.name().equals(tagName)) {
                return tag.items().isEmpty() ? null : tag.items().get(0).image();
            }
        }
        return null;
    }

    private record Blobs(List<BlobShare> shares, int sharingImages, long bytes) {
    }

    private Blobs blobs(Image image) {
        List<String> held = image.blobs();
        if (held == null) {
            return new Blobs(List.of(), 0, 0);
        }
        Map<String, Set<String>> holders = new LinkedHashMap<>();
        held.forEach(blob -> holders.put(blob, new HashSet<>()));
        Set<String> sharing = new HashSet<>();
        for (Image other : graph.images()) {
            List<String> otherBlobs = other.blobs();
            if (other.name().equals(image.name()) || otherBlobs == null) {
                continue;
            }
            for (String blob : otherBlobs) {
                Set<String> set = holders.get(blob);
                if (set != null) {
                    set.add(other.name());
                    sharing.add(other.name());
                }
            }
        }
        Map<String, Long> sizes = new HashMap<>();
        for (Layer layer : image.layers()) {
            sizes.putIfAbsent(layer.name(), layer.size());
        }
        List<BlobShare> shares = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, Set<String>> e : holders.entrySet()) {
            boolean layer = sizes.containsKey(e.getKey());
            long size = layer ? sizes.get(e.getKey()) : 0;
            shares.add(new BlobShare(e.getKey(), layer ? "layer" : "config", size, e.getValue().size()));
            if (layer && e.getValue().isEmpty()) {
                bytes += size;
            }
        }
        return new Blobs(shares, sharing.size(), bytes);
    }
}
