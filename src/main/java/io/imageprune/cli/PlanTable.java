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
 * that go with them. Large plans are cut to the biggest entries with a count of the rest, unless every item is asked
 * for ({@code --details}).
 */
final class PlanTable {
    private static final int MAX_NAMESPACES = 20;
    private static final int MAX_STREAMS_PER_NAMESPACE = 10;
    private static final int MAX_REVISIONS_PER_STREAM = 5;
    private static final String UNSTREAMED = "(images in no pruned stream)";

    private final ReferenceGraph graph;
    private final PruneResult result;
    private final int maxNamespaces;
    private final int maxStreams;
    private final int maxRevisions;

    /** @param details every namespace, stream, revision and image instead of the biggest ones and "and N more" */
    PlanTable(ReferenceGraph graph, PruneResult result, boolean details) {
        this.graph = graph;
        this.result = result;
        this.maxNamespaces = details ? Integer.MAX_VALUE : MAX_NAMESPACES;
        this.maxStreams = details ? Integer.MAX_VALUE : MAX_STREAMS_PER_NAMESPACE;
        this.maxRevisions = details ? Integer.MAX_VALUE : MAX_REVISIONS_PER_STREAM;
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
        out.printf("%-30s %s%n", "", "(only blobs that no kept image shares are counted: less than the sum of the");
        out.printf("%-30s %s%n", "", " deleted images' sizes when they share layers with kept ones)");
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
        for (String namespace : namespaces.subList(0, Math.min(maxNamespaces, namespaces.size()))) {
            writeNamespace(out, namespace, streamsByNamespace.get(namespace),
                    imagesByNamespace.getOrDefault(namespace, Set.of()));
        }
        if (namespaces.size() > maxNamespaces) {
            out.printf("%n... and %,d more namespace(s) (--details or -o json for the full plan)%n",
                    namespaces.size() - maxNamespaces);
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
        for (StreamPlan plan : sorted.subList(0, Math.min(maxStreams, sorted.size()))) {
            out.printf("  stream %s: remove %,d revision(s)%s%n", plan.original().name(),
                    plan.removedRevisions().size(),
                    plan.removedTags().isEmpty() ? "" : ", tags emptied: " + String.join(", ", plan.removedTags()));
            List<RemovedRevision> revisions = plan.removedRevisions();
            for (RemovedRevision r : revisions.subList(0, Math.min(maxRevisions, revisions.size()))) {
                out.printf("    %s #%d %s  (%s)%n", r.tag(), r.index(), shortDigest(r.image()),
                        r.rule().description());
            }
            if (revisions.size() > maxRevisions) {
                out.printf("    ... and %,d more (--details)%n", revisions.size() - maxRevisions);
            }
        }
        if (sorted.size() > maxStreams) {
            out.printf("  ... and %,d more stream(s) (--details)%n", sorted.size() - maxStreams);
        }
        if (!images.isEmpty()) {
            out.println("  images to delete:");
            writeImages(out, new ArrayList<>(images));
        }
    }

    private void writeImages(PrintWriter out, List<String> images) {
        for (String name : images.subList(0, Math.min(maxStreams, images.size()))) {
            var image = graph.image(name);
            out.printf("    %s  %s%n", name, image == null || image.size() == 0 ? "" : Bytes.human(image.size()));
        }
        if (images.size() > maxStreams) {
            out.printf("    ... and %,d more (--details)%n", images.size() - maxStreams);
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
