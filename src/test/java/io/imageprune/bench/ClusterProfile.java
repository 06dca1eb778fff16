package io.imageprune.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The statistics a generated cluster meets exactly: its size. The figures are the ones the shared benchmark generator
 * ({@code gen_cluster.py --size S --seed 1}) prints for its sizes, so that a benchmark of this repository's cluster
 * and one of the reference's measure clusters of the same make-up; {@link ClusterGenerator} builds a cluster with
 * exactly these counts and its own random structure.
 */
record ClusterProfile(String size, int namespaces, Kinds kinds, Layers layers, EdgeCases edgeCases) {

    /** Objects per kind. */
    record Kinds(int image, int imageStream, int pod, int replicationController, int limitRange, int deployment,
                 int daemonSet, int replicaSet, int statefulSet, int job, int cronJob, int deploymentConfig,
                 int buildConfig, int build) {
    }

    /**
     * @param references         layers summed over every image
     * @param distinct           distinct layer digests
     * @param tagItems           tag history items over every stream
     * @param tagItemBlobReferences layers plus the config of the image of every tag item whose image exists
     */
    record Layers(int references, int distinct, int tagItems, int tagItemBlobReferences) {
    }

    record EdgeCases(int activeInvalidRefs, int inactiveInvalidRefs, int missingImageItems, int emptyTags,
                     int boundaryTimestamps, int manifestLists, int orphanImages, int crossStreamItems) {
    }

    private static final Map<String, ClusterProfile> SIZES = new LinkedHashMap<>();

    static {
        SIZES.put("tiny", new ClusterProfile("tiny", 3,
                new Kinds(72, 10, 26, 8, 4, 1, 0, 1, 0, 2, 1, 4, 4, 8),
                new Layers(456, 143, 61, 447),
                new EdgeCases(3, 3, 1, 1, 15, 3, 0, 0)));
        SIZES.put("small", new ClusterProfile("small", 6,
                new Kinds(200, 35, 58, 9, 3, 14, 2, 27, 2, 0, 0, 5, 17, 43),
                new Layers(1576, 523, 241, 2395),
                new EdgeCases(3, 3, 6, 3, 64, 10, 13, 3)));
        SIZES.put("medium", new ClusterProfile("medium", 40,
                new Kinds(5000, 876, 1497, 413, 10, 359, 17, 675, 32, 95, 49, 142, 302, 764),
                new Layers(42952, 14752, 6357, 62959),
                new EdgeCases(3, 3, 16, 11, 173, 57, 395, 91)));
        SIZES.put("large", new ClusterProfile("large", 200,
                new Kinds(50000, 9061, 15658, 4456, 74, 3780, 215, 7316, 344, 915, 451, 1500, 2978, 7558),
                new Layers(435878, 150167, 63020, 629274),
                new EdgeCases(3, 3, 152, 78, 1734, 462, 3994, 937)));
        SIZES.put("xlarge", new ClusterProfile("xlarge", 600,
                new Kinds(200000, 35975, 62973, 17739, 203, 15166, 881, 29454, 1454, 3477, 1735, 5844, 11827, 29859),
                new Layers(1753282, 601249, 249600, 2508043),
                new EdgeCases(3, 3, 601, 286, 6857, 1927, 15994, 3575)));
    }

    /** @throws IllegalArgumentException naming the known sizes when {@code size} is not one */
    static ClusterProfile of(String size) {
        ClusterProfile profile = SIZES.get(size);
        if (profile == null) {
            throw new IllegalArgumentException("unknown size '" + size + "'; known: " + String.join(", ", SIZES.keySet()));
        }
        return profile;
    }
}
