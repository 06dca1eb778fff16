package io.imageprune.state;

import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.graph.Counts;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.graph.ReferrerEntry;
import io.imageprune.graph.RepositoryCounts;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything a {@link ReferenceGraph} lets the planner (or anyone) observe, as one sorted map that two graphs can be
 * compared by: the objects themselves, the global and per-repository counters over every digest and repository a
 * history ever mentions, the always-used counters with their counts, the conditional pods, the referrers with errors,
 * the unreadable images, the limit ranges of every namespace and the sizes. Zero counters are left out on both sides.
 */
final class GraphObservations {
    private GraphObservations() {
    }

    static SortedMap<String, Object> of(ReferenceGraph g, Collection<String> digests, Collection<String> repos,
                                        Collection<String> namespaces) {
        SortedMap<String, Object> m = new TreeMap<>();
        m.put("imageCount", g.imageCount());
        m.put("streamCount", g.streamCount());
        m.put("referrerCount", g.referrerCount());
        m.put("namedButUnknown", new TreeSet<>(g.namedButUnknown()));

        TreeSet<String> allDigests = new TreeSet<>(digests);
        g.images().forEach(i -> allDigests.add(i.name()));
        for (String d : allDigests) {
            Image image = g.image(d);
            if (image != null) {
                m.put("image " + d, image);
            }
            int n = g.globalCount(d);
            if (n != 0) {
                m.put("globalCount " + d, n);
            }
            if (!g.revisionsNaming(d).isEmpty()) {
                m.put("revisionsNaming " + d, new TreeMap<>(g.revisionsNaming(d)));
            }
            if (!g.manifestListsNaming(d).isEmpty()) {
                m.put("manifestListsNaming " + d, new TreeSet<>(g.manifestListsNaming(d)));
            }
        }
        TreeSet<String> allRepos = new TreeSet<>(repos);
        allRepos.addAll(g.streamRepos());
        for (String repo : allRepos) {
            ImageStream s = g.stream(repo);
            if (s != null) {
                m.put("stream " + repo, s);
            }
            RepositoryCounts rc = g.repositoryCounts(repo);
            if (rc.unreadableRevisions() != 0) {
                m.put("repositoryCounts " + repo + " unreadableRevisions", rc.unreadableRevisions());
            }
            for (String d : allDigests) {
                int manifest = rc.manifest(d);
                if (manifest != 0) {
                    m.put("repositoryCounts " + repo + " manifest " + d, manifest);
                }
                int blob = rc.blob(d);
                if (blob != 0) {
                    m.put("repositoryCounts " + repo + " blob " + d, blob);
                }
            }
        }
        m.put("unreadableImages", new TreeSet<>(g.unreadableImages()));
        m.put("alwaysUsedTags", counts(g.alwaysUsedTags()));
        m.put("alwaysUsedImages", counts(g.alwaysUsedImages()));
        m.put("alwaysPinnedDigests", counts(g.alwaysPinnedDigests()));
        m.put("conditionalPods", entries(g.conditionalPods()));
        m.put("referrersWithErrors", entries(g.referrersWithErrors()));
        m.put("referrers", entries(g.referrers()));
        TreeSet<String> allNamespaces = new TreeSet<>(namespaces);
        g.streams().forEach(s -> allNamespaces.add(s.namespace()));
        g.referrers().forEach(e -> allNamespaces.add(e.referrer().namespace()));
        for (String ns : allNamespaces) {
            Map<String, LimitRange> ranges = new TreeMap<>();
            for (LimitRange l : g.limitRanges(ns)) {
                ranges.put(l.name(), l);
            }
            if (!ranges.isEmpty()) {
                m.put("limitRanges " + ns, ranges);
            }
        }
        return m;
    }

    /** A counter's keys with their counts. */
    private static Map<String, Integer> counts(Counts c) {
        Map<String, Integer> out = new TreeMap<>();
        for (String key : c.keys()) {
            out.put(key, c.get(key));
        }
        return out;
    }

    private static Map<String, ReferrerEntry> entries(Collection<ReferrerEntry> entries) {
        Map<String, ReferrerEntry> out = new TreeMap<>();
        for (ReferrerEntry e : entries) {
            if (out.put(e.referrer().key(), e) != null) {
                out.put(e.referrer().key() + " (duplicate)", e);
            }
        }
        return out;
    }

    /** The first few differences between two observation maps, or null when they are equal. */
    static String diff(SortedMap<String, Object> expected, SortedMap<String, Object> actual, int max) {
        TreeSet<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String key : keys) {
            Object e = expected.get(key);
            Object a = actual.get(key);
            if (Objects.equals(e, a)) {
                continue;
            }
            n++;
            if (out.size() < max) {
                out.add("  " + key + ":\n    expected (fresh graph): " + describe(e, a)
                        + "\n    actual:                 " + describe(a, e));
            }
        }
        if (n == 0) {
            return null;
        }
        return n + " observation(s) differ:\n" + String.join("\n", out) + (n > max ? "\n  ..." : "");
    }

    /** For maps, only the entries that differ from the other side. */
    @SuppressWarnings("unchecked")
    private static String describe(Object value, Object other) {
        if (value instanceof Map<?, ?> m && other instanceof Map<?, ?> o) {
            Map<Object, Object> only = new TreeMap<>();
            ((Map<Object, Object>) m).forEach((k, v) -> {
                if (!Objects.equals(v, o.get(k))) {
                    only.put(k, v);
                }
            });
            return "{differing entries: " + only + "}";
        }
        return String.valueOf(value);
    }

    // ------------------------------------------------------------------------------------------------- plans

    static PruneResult dryRun(ReferenceGraph g, PruneOptions options) {
        return PruneExecutor.dryRun(Planner.of(g, options));
    }

    /** The fields of two dry-run results that differ, or null when they are equal. */
    static String diff(PruneResult expected, PruneResult actual) {
        if (expected.equals(actual)) {
            return null;
        }
        Map<String, Object[]> fields = new java.util.LinkedHashMap<>();
        fields.put("invalidReferences", new Object[] {expected.invalidReferences(), actual.invalidReferences()});
        fields.put("refused", new Object[] {expected.refused(), actual.refused()});
        fields.put("streamUpdates", new Object[] {expected.streamUpdates(), actual.streamUpdates()});
        fields.put("imageDeletions", new Object[] {expected.imageDeletions(), actual.imageDeletions()});
        fields.put("layerLinkDeletions", new Object[] {expected.layerLinkDeletions(), actual.layerLinkDeletions()});
        fields.put("manifestLinkDeletions",
                new Object[] {expected.manifestLinkDeletions(), actual.manifestLinkDeletions()});
        fields.put("blobDeletions", new Object[] {expected.blobDeletions(), actual.blobDeletions()});
        fields.put("failures", new Object[] {expected.failures(), actual.failures()});
        fields.put("stats", new Object[] {expected.stats(), actual.stats()});
        fields.put("bytesReclaimed", new Object[] {expected.bytesReclaimed(), actual.bytesReclaimed()});
        fields.put("warnings", new Object[] {expected.warnings(), actual.warnings()});
        StringBuilder b = new StringBuilder("dry-run results differ:");
        fields.forEach((name, pair) -> {
            if (!Objects.equals(pair[0], pair[1])) {
                b.append("\n  ").append(name).append(":\n    expected (fresh graph): ").append(pair[0])
                        .append("\n    actual:                 ").append(pair[1]);
            }
        });
        return b.toString();
    }
}
