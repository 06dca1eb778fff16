package io.imageprune.cli;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.policy.InvalidReferenceContainment;

import java.io.PrintWriter;

/**
 * The {@code plan -o table} section of contain mode: each contained invalid reference (and invalid identity), what it
 * keeps, and how many streams and images that leaves alone.
 */
final class ContainedTable {
    private ContainedTable() {
    }

    static void write(ReferenceGraph graph, InvalidReferenceContainment containment, PrintWriter out) {
        out.println();
        out.println("Contained invalid references (--invalid-refs=contain):");
        for (InvalidReferenceContainment.Contained contained : containment.contained()) {
            out.printf("  %s: %s%n", contained.holder(), contained.message());
            out.printf("      keeps %s%n", contained.protects());
        }
        int streams = 0;
        for (ImageStream stream : graph.streams()) {
            if (containment.containing(stream) != null) {
                streams++;
            }
        }
        int images = 0;
        for (Image image : graph.images()) {
            if (containment.containingImage(image.name()) != null) {
                images++;
            }
        }
        out.printf("  %-40s %,d%n", "Streams left alone", streams);
        out.printf("  %-40s %,d%n", "Images kept by a digest fragment", images);
    }
}
