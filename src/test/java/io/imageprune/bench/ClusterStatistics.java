package io.imageprune.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The figures a generated cluster is described by, printed as the shared reference generator prints them (one JSON
 * object of counts, one of edge cases, same keys in the same order) so that the two can be compared line by line.
 */
final class ClusterStatistics {
    static final String[] COUNTS = {"Image", "ImageStream", "layerReferences", "distinctLayers", "tagItems",
            "tagItemBlobReferences", "Pod", "ReplicationController", "LimitRange", "Deployment", "DaemonSet",
            "ReplicaSet", "StatefulSet", "Job", "CronJob", "DeploymentConfig", "BuildConfig", "Build"};
    static final String[] EDGE_CASES = {"activeInvalidRefs", "inactiveInvalidRefs", "missingImageItems", "emptyTags",
            "noMetadataImages", "boundaryTimestamps", "manifestLists", "orphanImages", "crossStreamItems"};

    final Map<String, Long> counts = new LinkedHashMap<>();
    final Map<String, Long> edgeCases = new LinkedHashMap<>();

    ClusterStatistics() {
        for (String key : COUNTS) {
            counts.put(key, 0L);
        }
        for (String key : EDGE_CASES) {
            edgeCases.put(key, 0L);
        }
    }

    void count(String key, long n) {
        counts.merge(require(counts, key), n, Long::sum);
    }

    void edgeCase(String key, long n) {
        edgeCases.merge(require(edgeCases, key), n, Long::sum);
    }

    private static String require(Map<String, Long> map, String key) {
        if (!map.containsKey(key)) {
            throw new IllegalArgumentException("no statistic " + key);
        }
        return key;
    }

    /** what a profile promises, in the same form */
    static ClusterStatistics of(ClusterProfile profile) {
        ClusterStatistics s = new ClusterStatistics();
        ClusterProfile.Kinds k = profile.kinds();
        ClusterProfile.Layers l = profile.layers();
        long[] counts = {k.image(), k.imageStream(), l.references(), l.distinct(), l.tagItems(),
                l.tagItemBlobReferences(), k.pod(), k.replicationController(), k.limitRange(), k.deployment(),
                k.daemonSet(), k.replicaSet(), k.statefulSet(), k.job(), k.cronJob(), k.deploymentConfig(),
                k.buildConfig(), k.build()};
        for (int i = 0; i < COUNTS.length; i++) {
            s.count(COUNTS[i], counts[i]);
        }
        ClusterProfile.EdgeCases e = profile.edgeCases();
        long[] edges = {e.activeInvalidRefs(), e.inactiveInvalidRefs(), e.missingImageItems(), e.emptyTags(), 0,
                e.boundaryTimestamps(), e.manifestLists(), e.orphanImages(), e.crossStreamItems()};
        for (int i = 0; i < EDGE_CASES.length; i++) {
            s.edgeCase(EDGE_CASES[i], edges[i]);
        }
        return s;
    }

    String countsLine() {
        return line(counts);
    }

    String edgeCasesLine() {
        return line(edgeCases);
    }

    private static String line(Map<String, Long> map) {
        return map.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterStatistics other && counts.equals(other.counts) && edgeCases.equals(other.edgeCases);
    }

    @Override
    public int hashCode() {
        return counts.hashCode() * 31 + edgeCases.hashCode();
    }

    @Override
    public String toString() {
        return countsLine() + "\n" + edgeCasesLine();
    }
}
