package io.imageprune.bench;

import io.imageprune.cli.SnapshotGraphs;
import io.imageprune.graph.ReferenceGraph;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Clusters of the benchmark's generator ({@link GenerateCluster}) as graphs, for tests of other packages. */
public final class GeneratedClusters {
    private GeneratedClusters() {
    }

    /** Generates the cluster of this size and seed into {@code dir} and loads it whole (cluster-wide). */
    public static ReferenceGraph graph(Path dir, String size, long seed) throws IOException {
        Path file = dir.resolve(size + "-" + seed + ".json");
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        int exit = GenerateCluster.run(new String[] {"--size", size, "--seed", Long.toString(seed), "--out",
                file.toString()}, new PrintStream(messages, true, StandardCharsets.UTF_8));
        if (exit != 0) {
            throw new IOException("the generator failed (" + exit + "): " + messages.toString(StandardCharsets.UTF_8));
        }
        return SnapshotGraphs.load(file, "");
    }
}
