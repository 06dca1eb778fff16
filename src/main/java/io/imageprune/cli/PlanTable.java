package io.imageprune.cli;

import io.imageprune.execute.PruneResult;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.policy.RemovedRevision;
import io.imageprune.policy.StreamPlan;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code plan} output for people: totals first, then per namespace the streams losing revisions and the images
 * that go with them. Large plans are cut to the biggest entries with a count of the rest.
 */
final class PlanTable {
    private static final int MAX_NAMESPACES = 20;
    private static final int MAX_STREAMS_PER_NAMESPACE = 10;
    private static final int MAX_REVISIONS_PER_STREAM = 5;
    private static final String UNSTREAMED = "(images in no pruned stream)";

    private final ReferenceGraph graph;
    private final PruneResult result;

    PlanTable(ReferenceGraph graph, PruneResult result) {
        this.graph = graph;
        this.result = result;
    }

    void write(PrintWriter out) {
        if (result.refused()) {
            out.printf("Nothing planned: %d invalid image reference(s), see the errors above or use --ignore-invalid-refs.%n",
                    result.invalidReferences().size());
            return;
        }
        int revisions = result.streamUpdates().stream().mapToInt(p -> p.removedRevisions().size()).sum();
        out.println("Dry run: nothing was changed.");
        out.println();
        out.printf("%-30s %,d%n", "Images to delete", result.imageDeletions().size());
        out.printf("%-30s %,d in %,d stream(s)%n", "Stream revisions to remove", revisions,
                result.streamUpdates().size());
        out.printf("%-30s %,d%n", "Layer links to delete", result.layerLinkDeletions().size());
        out.printf("%-30s %,d%n", "Manifest links to delete", result.manifestLinkDeletions().size());
        out.printf("%-30s %,d%n", "Blobs to delete", result.blobDeletions().size());
        out.printf("%-30s %s%n", "Bytes reclaimable", Bytes.human(result.bytesReclaimed()));
        out.printf("%-30s %s%n", "Summary", result.stats());

        Map<String, List<StreamPlan>> streamsByNamespace = new TreeMap<>();
        Map<String, Set<String>> imagesByNamespace = new TreeMap<>();
        Set<String> deleted = new HashSet<>(result.imageDeletions());
        Set<String> attributed = new HashSet<>();
        for (StreamPlan plan : result.streamUpdates()) {
            String namespace = plan.original().namespace();
            streamsByNamespace.computeIfAbsent(namespace, k -> new ArrayList<>()).add(plan);
            for (RemovedRevision revision : plan.removedRevisions()) {
                if (deleted.contains(revision.image())) {
                    imagesByNamespace.computeIfAbsent(namespace, k -> new java.util.TreeSet<>()).add(revision.image());
                    attributed.add(revision.image());
                }
            }
        }
        List<String> namespaces = new ArrayList<>(streamsByNamespace.keySet());
        namespaces.sort((a, b) -> Integer.compare(revisionCount(streamsByNamespace.get(b)),
                revisionCount(streamsByNamespace.get(a))));
        for (String namespace : namespaces.subList(0, Math.min(MAX_NAMESPACES, namespaces.size()))) {
            writeNamespace(out, namespace, streamsByNamespace.get(namespace),
                    imagesByNamespace.getOrDefault(namespace, Set.of()));
        }
        if (namespaces.size() > MAX_NAMESPACES) {
            out.printf("%n... and %,d more namespace(s) (use -o json for the full plan)%n",
                    namespaces.size() - MAX_NAMESPACES);
        }
        List<String> unstreamed = result.imageDeletions().stream().filter(i -> !attributed.contains(i)).sorted().toList();
        if (!unstreamed.isEmpty()) {
            out.printf("%n%s: %,d image(s) to delete%n", UNSTREAMED, unstreamed.size());
            writeImages(out, unstreamed);
        }
    }

    private void writeNamespace(PrintWriter out, String namespace, List<StreamPlan> plans, Set<String> images) {
        out.printf("%nNamespace %s: %,d revision(s) in %,d stream(s), %,d image(s) to delete%n", namespace,
                revisionCount(plans), plans.size(), images.size());
        List<StreamPlan> sorted = new ArrayList<>(plans);
        sorted.sort((a, b) -> Integer.compare(b.removedRevisions().size(), a.removedRevisions().size()));
        for (StreamPlan plan : sorted.subList(0, Math.min(MAX_STREAMS_PER_NAMESPACE, sorted.size()))) {
            out.printf("  stream %s: remove %,d revision(s)%s%n", plan.original().name(),
                    plan.removedRevisions().size(),
                    plan.removedTags().isEmpty() ? "" : ", tags emptied: " + String.join(", ", plan.removedTags()));
            List<RemovedRevision> revisions = plan.removedRevisions();
            for (RemovedRevision r : revisions.subList(0, Math.min(MAX_REVISIONS_PER_STREAM, revisions.size()))) {
                out.printf("    %s #%d %s  (%s)%n", r.tag(), r.index(), shortDigest(r.image()),
                        r.rule().description());
            }
            if (revisions.size() > MAX_REVISIONS_PER_STREAM) {
                out.printf("    ... and %,d more%n", revisions.size() - MAX_REVISIONS_PER_STREAM);
            }
        }
        if (sorted.size() > MAX_STREAMS_PER_NAMESPACE) {
            out.printf("  ... and %,d more stream(s)%n", sorted.size() - MAX_STREAMS_PER_NAMESPACE);
        }
        if (!images.isEmpty()) {
            out.println("  images to delete:");
            writeImages(out, new ArrayList<>(images));
        }
    }

    private void writeImages(PrintWriter out, List<String> images) {
        for (String name : images.subList(0, Math.min(MAX_STREAMS_PER_NAMESPACE, images.size()))) {
            var image = graph.image(name);
            out.printf("    %s  %s%n", name, image == null || image.size() == 0 ? "" : Bytes.human(image.size()));
        }
        if (images.size() > MAX_STREAMS_PER_NAMESPACE) {
            out.printf("    ... and %,d more%n", images.size() - MAX_STREAMS_PER_NAMESPACE);
        }
    }

    private static int revisionCount(List<StreamPlan> plans) {
        return plans.stream().mapToInt(p -> p.removedRevisions().size()).sum();
    }

    private static String shortDigest(String digest) {
        int colon = digest.indexOf(':');
        return colon >= 0 && digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
    }
}
