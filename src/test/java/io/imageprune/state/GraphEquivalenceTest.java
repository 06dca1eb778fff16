package io.imageprune.state;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.policy.PruneOptions;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.state.ClusterHistory.Record;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The live graph, fed record by record from {@code imageprune.cluster-state}, always plans exactly like a graph built
 * fresh from the objects that exist — whatever the consumer went through: redelivered records, restarts, a compacted
 * topic, an ingest that missed deletions and relisted.
 *
 * <p>The property runs over {@value #DEFAULT_SEEDS} seeds (override with {@code -Dimageprune.state.seeds=N}; start at
 * {@code -Dimageprune.state.seed=S} to reproduce one). The hand-written tests below pin one disturbance each.
 */
class GraphEquivalenceTest {
    static final int DEFAULT_SEEDS = 300;
    static final int SEEDS = Integer.getInteger("imageprune.state.seeds", DEFAULT_SEEDS);
    static final long FIRST_SEED = Long.getLong("imageprune.state.seed", 1L);

    static final Instant NOW = ClusterHistory.NOW;
    static final String HOST = ClusterHistory.HOST;
    static final Instant OLD = NOW.minus(Duration.ofDays(3));

    /** Kinds the generator must have created, updated, deleted and re-created at least once over all seeds. */
    static final List<String> KINDS = kinds();

    // ============================================================================================== the property

    @Test
    void liveGraphAlwaysPlansLikeAFreshGraphOfTheSameObjects() {
        EquivalenceChecker checker = new EquivalenceChecker();
        Map<String, Integer> history = new TreeMap<>();
        Map<Long, String> failures = new TreeMap<>();
        Map<Long, Integer> sizes = new TreeMap<>();
        long operations = 0;
        long records = 0;
        long started = System.nanoTime();
        long cpuStarted = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
            ClusterHistory h = ClusterHistory.generate(seed);
            operations += h.operations;
            records += h.log.size();
            h.tally.forEach((k, v) -> history.merge(k, v, Integer::sum));
            try {
                checker.randomRun(h, new Random(seed * 1_000_003L + 7));
            } catch (AssertionError | RuntimeException e) {
                failures.put(seed, h.summary() + "\n" + (e instanceof AssertionError ? e.getMessage() : e.toString()));
                sizes.put(seed, h.log.size());
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        long cpuMillis = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()
                - cpuStarted) / 1_000_000;
        System.out.println("GraphEquivalenceTest: " + SEEDS + " seeds from " + FIRST_SEED + ", " + operations
                + " operations, " + records + " records, " + millis + " ms (" + cpuMillis + " ms CPU)\n  history: "
                + history + "\n  checker: "
                + checker.tally);
        if (!failures.isEmpty()) {
            long smallest = sizes.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            StringBuilder msg = new StringBuilder(failures.size() + " of " + SEEDS + " seeds fail: " + failures.keySet()
                    + "\nsmallest: " + failures.get(smallest));
            failures.entrySet().stream().filter(e -> e.getKey() != smallest).limit(2)
                    .forEach(e -> msg.append("\nalso: ").append(e.getValue()));
            fail(msg.toString());
        }
        // at any seed count, something was compared (a run over no seed proves nothing)
        assertTrue(checker.tally.getOrDefault("graphs compared", 0) > 0
                && checker.tally.getOrDefault("dry runs compared", 0) > 0, "vacuous: " + checker.tally);
        if (SEEDS >= DEFAULT_SEEDS) {
            // the generator must actually exercise what the property claims to cover
            for (String kind : KINDS) {
                for (String op : List.of("create ", "update ", "delete ", "re-create ")) {
                    assertTrue(history.getOrDefault(op + kind, 0) > 0, "never generated: " + op + kind);
                }
            }
            for (String event : List.of("missed delete", "missed put", "relist tombstone", "relist put",
                    "relist put (unchanged)", "stray tombstone (never-seen key)", "stray tombstone (deleted key)",
                    "rewritten record")) {
                assertTrue(history.getOrDefault(event, 0) > 0, "never generated: " + event);
            }
            for (String event : List.of("redeliveries", "restarts from the raw log", "restarts from a compacted log",
                    "checkpoints", "dry runs compared")) {
                assertTrue(checker.tally.getOrDefault(event, 0) > 0, "never exercised: " + event);
            }
        }
    }

    // ============================================================================================== hand-written

    static final String A = digest('a');
    static final String B = digest('b');
    static final String C = digest('c');
    static final String L1 = digest('1');
    static final String L2 = digest('2');
    static final String L3 = digest('3');
    static final String L4 = digest('4');

    /** Library defaults; an age/revision-keeping run with strict references; size mode; a namespaced run. */
    static final List<PruneOptions> OPTIONS = List.of(
            PruneOptions.library(NOW, null, null, null, null, null, "", true, true),
            PruneOptions.library(NOW, Duration.ofMinutes(60), 1, false, false, true, "", false, true),
            PruneOptions.library(NOW, null, 0, true, true, true, "", true, false),
            PruneOptions.library(NOW, Duration.ZERO, 0, false, true, false, "alpha", true, true));

    /** (a) Redelivery: an image created after the stream that names it, a pod deleted, then its tombstone again. */
    @Test
    void redeliveredRecordsChangeNothing() {
        ClusterHistory h = ClusterHistory.builder()
                .put(stream("alpha", "app", tag("latest", A, B), tag("v1", B)))
                .checkpoint("stream before its images")
                .put(image(A, L1, L2))
                .put(image(B, L2, L3))
                .checkpoint("images after the stream")
                .put(pod("alpha", "web", "Running", OLD, HOST + "/alpha/app@" + A))
                .checkpoint("pod pins A")
                .delete("Pod/alpha/web")
                .strayTombstone("Pod/alpha/web")
                .put(index(C, A, digest('9')))
                .build();
        EquivalenceChecker checker = new EquivalenceChecker();
        checker.undisturbed(h, OPTIONS);
        checker.everyRedelivery(h, OPTIONS);

        ReferenceGraph before = TestRecordApplier.replay(h.log.subList(0, h.checkpoints.get(0).logEnd()));
        assertEquals(0, before.repositoryCounts("alpha/app").manifest(A), "no counts for an image not yet there");
        ReferenceGraph after = TestRecordApplier.replay(h.log.subList(0, h.checkpoints.get(1).logEnd()));
        TestRecordApplier.applyAll(after, h.log, 0, h.checkpoints.get(1).logEnd()); // everything delivered twice
        assertEquals(1, after.repositoryCounts("alpha/app").manifest(A));
        assertEquals(2, after.repositoryCounts("alpha/app").manifest(B));
        assertEquals(3, after.repositoryCounts("alpha/app").blob(L2), "L2: once through A, twice through B");
        assertEquals(2, after.globalCount(L2));
        ReferenceGraph end = TestRecordApplier.replay(h.log);
        assertEquals(0, end.alwaysPinnedDigests().size(), "the deleted pod pins nothing");
    }

    /** (b) Restart: an image deleted, re-created with other layers, then without metadata, then as it was. */
    @Test
    void consumerRestartedAnywhereRebuildsTheSameGraph() {
        ClusterHistory h = ClusterHistory.builder()
                .put(image(A, L1, L2))
                .put(stream("alpha", "app", tag("latest", A), tag("old", B)))
                .put(image(B, L2))
                .checkpoint("A and B in a stream")
                .delete("Image//" + A)
                .checkpoint("A deleted: its revision dangles")
                .put(image(A, L3, L4))
                .checkpoint("A re-created with other layers")
                .put(unreadable(A))
                .checkpoint("A without metadata")
                .put(image(A, L1, L2))
                .build();
        EquivalenceChecker checker = new EquivalenceChecker();
        checker.undisturbed(h, OPTIONS);
        checker.everyRestart(h, OPTIONS);

        ReferenceGraph g = TestRecordApplier.replay(h.log.subList(0, h.checkpoints.get(2).logEnd()));
        assertEquals(0, g.globalCount(L1), "the old layers of A are gone");
        assertEquals(1, g.repositoryCounts("alpha/app").blob(L3));
        assertEquals(1, g.repositoryCounts("alpha/app").blob(L2), "L2 only through B now");
        g = TestRecordApplier.replay(h.log.subList(0, h.checkpoints.get(3).logEnd()));
        assertEquals(1, g.repositoryCounts("alpha/app").unreadableRevisions());
        assertTrue(g.unreadableImages().contains(A));
    }

    /** (c) Compaction: a pod going from Running to Succeeded, a stream losing a tag, a never-seen tombstone. */
    @Test
    void compactedLogRebuildsTheSameGraph() {
        ClusterHistory h = ClusterHistory.builder()
                .put(image(A, L1))
                .put(image(B, L1, L2))
                .put(stream("alpha", "app", tag("latest", B, A), tag("v1", A)))
                .put(pod("alpha", "p", "Running", OLD, HOST + "/alpha/app:v1", HOST + "/alpha/app@" + A))
                .put(new LimitRange("alpha", "lim", List.of(500L)))
                .checkpoint("running pod uses v1 and pins A")
                .put(pod("alpha", "p", "Succeeded", OLD, HOST + "/alpha/app:v1", HOST + "/alpha/app@" + A))
                .put(stream("alpha", "app", tag("latest", B, A)))
                .strayTombstone("ReplicaSet/alpha/never-seen")
                .put(new LimitRange("alpha", "lim", List.of(2000L)))
                .delete("Image//" + B)
                .put(image(B, L2))
                .put(build("alpha", "b", new BuildSource("ImageStreamTag", "", "app:latest")))
                .build();
        EquivalenceChecker checker = new EquivalenceChecker();
        checker.undisturbed(h, OPTIONS);
        checker.everyCompaction(h, OPTIONS);
        checker.everyRestart(h, OPTIONS);

        ReferenceGraph first = TestRecordApplier.replay(h.log.subList(0, h.checkpoints.get(0).logEnd()));
        assertEquals(1, first.alwaysUsedTags().get("alpha/app:v1"));
        assertTrue(first.alwaysPinnedDigests().contains(A));
        ReferenceGraph end = TestRecordApplier.replay(
                EquivalenceChecker.compact(h.log, h.log.size(), 1, null).records());
        assertFalse(end.alwaysUsedTags().contains("alpha/app:v1"), "a succeeded old pod is no longer always counted");
        assertEquals(1, end.conditionalPods().size());
        assertEquals(1, end.alwaysUsedTags().get("alpha/app:latest"), "the build uses latest");
        assertEquals(List.of(2000L), List.copyOf(end.limitRanges("alpha")).get(0).imageMaxStorage());
    }

    /** (d) An ingest that was down missed deletions (and an update); its relist repairs the log. */
    @Test
    void relistAfterMissedDeletionsRepairsTheGraph() {
        ClusterHistory.Builder b = ClusterHistory.builder()
                .put(image(A, L1, L2))
                .put(image(B, L2))
                .put(stream("alpha", "app", tag("latest", A, B)))
                .put(stream("alpha", "other", tag("latest", B)))
                .put(pod("alpha", "p", "Running", OLD, HOST + "/alpha/app@" + A))
                .put(new LimitRange("alpha", "lim", List.of(100L)))
                .checkpoint("before the outage")
                .deleteMissed("Image//" + A)
                .deleteMissed("ImageStream/alpha/other")
                .deleteMissed("Pod/alpha/p")
                .deleteMissed("LimitRange/alpha/lim")
                .putMissed(image(B, L3))
                .put(image(C, L4))
                .deleteMissed("Image//" + C) // created and deleted within the outage: logged, then missed
                .put(stream("alpha", "app", tag("latest", A, B), tag("new", C)));
        assertFalse(b.consistent(), "the log lags the cluster");
        int before = b.log.size();
        b.relist(null, false);
        List<String> tombstones = new ArrayList<>();
        List<String> puts = new ArrayList<>();
        for (Record r : b.log.subList(before, b.log.size())) {
            (r.tombstone() ? tombstones : puts).add(r.key());
        }
        assertEquals(List.of("Image//" + A, "Image//" + C, "ImageStream/alpha/other", "LimitRange/alpha/lim",
                "Pod/alpha/p"), tombstones, "a tombstone for every logged key that is gone");
        assertEquals(List.of("Image//" + B, "SyncMarker//" + ClusterHistory.INGEST_ID), puts,
                "the stale B and the marker");
        ClusterHistory h = b.checkpoint("after the relist")
                .strayTombstone("Pod/alpha/p") // the delayed watch event of the missed deletion
                .build();

        EquivalenceChecker checker = new EquivalenceChecker();
        checker.undisturbed(h, OPTIONS);
        checker.everyRedelivery(h, OPTIONS);
        checker.everyRestart(h, OPTIONS);
        checker.everyCompaction(h, OPTIONS);

        ReferenceGraph stale = TestRecordApplier.replay(h.log.subList(0, before));
        assertEquals(2, stale.streamCount(), "before the relist the graph still has the deleted stream");
        ReferenceGraph end = TestRecordApplier.replay(h.log);
        assertEquals(1, end.streamCount());
        assertEquals(0, end.referrerCount());
        assertEquals(0, end.globalCount(L2), "B's missed update took L2 away");
        assertEquals(1, end.repositoryCounts("alpha/app").blob(L3));
    }

    /** Tombstones for keys never seen, of every kind, and repeated tombstones, leave the graph as it is. */
    @Test
    void tombstonesForUnknownKeysAndRepeatedTombstonesChangeNothing() {
        ClusterHistory.Builder b = ClusterHistory.builder();
        for (String kind : KINDS) {
            b.strayTombstone(kind + (kind.equals(ProjectionKeys.IMAGE) ? "//" + A : "/alpha/x"));
        }
        b.strayTombstone("SyncMarker//other-ingest").checkpoint("only tombstones: empty");
        b.put(image(A, L1)).put(stream("alpha", "x", tag("latest", A))).put(pod("alpha", "x", "Failed", NOW, A))
                .put(new LimitRange("alpha", "x", List.of(1L)))
                .checkpoint("one of each");
        for (String kind : KINDS) {
            b.strayTombstone(kind + (kind.equals(ProjectionKeys.IMAGE) ? "//" + B : "/beta/x"));
        }
        b.delete("Pod/alpha/x").strayTombstone("Pod/alpha/x").strayTombstone("Pod/alpha/x")
                .delete("Image//" + A).strayTombstone("Image//" + A);
        ClusterHistory h = b.build();
        EquivalenceChecker checker = new EquivalenceChecker();
        checker.undisturbed(h, OPTIONS);
        checker.everyRedelivery(h, OPTIONS);
        checker.everyCompaction(h, OPTIONS);
        ReferenceGraph g = TestRecordApplier.replay(h.log.subList(0, h.checkpoints.get(0).logEnd()));
        assertEquals(0, g.imageCount() + g.streamCount() + g.referrerCount());
    }

    // ============================================================================================== fixtures

    static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    static Image image(String name, String... layers) {
        List<Layer> list = new ArrayList<>();
        for (String l : layers) {
            list.add(new Layer(l, 1000));
        }
        return new Image(name, OLD, true, Image.MANIFEST_SCHEMA2, list, true, digest('f'), 1000L * layers.length,
                List.of(), HOST + "/x/y@" + name);
    }

    static Image unreadable(String name) {
        return new Image(name, OLD, true, Image.MANIFEST_SCHEMA2, List.of(), false, "", 0, List.of(), "");
    }

    static Image index(String name, String... children) {
        return new Image(name, OLD, true, Image.MANIFEST_LIST, List.of(), true, "", 10, List.of(children),
                HOST + "/x/y@" + name);
    }

    /** A tag whose history is the given images, newest first, an hour apart, all old. */
    static Tag tag(String name, String... images) {
        List<TagEvent> items = new ArrayList<>();
        for (int i = 0; i < images.length; i++) {
            items.add(new TagEvent(images[i], OLD.minus(Duration.ofHours(i))));
        }
        return new Tag(name, items);
    }

    static ImageStream stream(String ns, String name, Tag... tags) {
        return new ImageStream(ns, name, OLD, HOST + "/" + ns + "/" + name, List.of(tags));
    }

    static Referrer pod(String ns, String name, String phase, Instant created, String... images) {
        List<Container> containers = new ArrayList<>();
        for (int i = 0; i < images.length; i++) {
            containers.add(new Container("c" + i, false, images[i]));
        }
        return new Referrer(ReferrerKind.POD, ns, name, created, phase, containers, null);
    }

    static Referrer build(String ns, String name, BuildSource source) {
        return new Referrer(ReferrerKind.BUILD, ns, name, OLD, "", List.of(), source);
    }

    private static List<String> kinds() {
        List<String> out = new ArrayList<>(List.of(ProjectionKeys.IMAGE, ProjectionKeys.IMAGE_STREAM,
                ProjectionKeys.LIMIT_RANGE));
        for (ReferrerKind k : ReferrerKind.values()) {
            out.add(k.kind());
        }
        return List.copyOf(out);
    }
}
