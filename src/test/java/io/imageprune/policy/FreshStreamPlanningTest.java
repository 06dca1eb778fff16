package io.imageprune.policy;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.graph.RepositoryCounts;
import io.imageprune.model.Container;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.properties.RandomCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Planner#planFreshStream}: stage 1 re-decided on a copy of the stream read right before the write. On an
 * unchanged copy it must agree with the full stage 1; on a changed copy, counts come from the copy and references from
 * the graph as it is at the time of the call.
 */
class FreshStreamPlanningTest {
    private static final int SEEDS = Integer.getInteger("imageprune.properties.seeds", 200);
    private static final Instant NOW = RandomCluster.NOW;
    private static final String HOST = RandomCluster.HOST;
    private static final String NS = "ns";
    private static final String REPO = NS + "/app";

    private static final String A = digest('a');
    private static final String B = digest('b');
    private static final String C = digest('c');
    private static final String SHARED = digest('1');
    private static final String ONLY_A = digest('2');
    private static final String ONLY_B = digest('3');
    private static final String ONLY_C = digest('4');

    private static final Instant OLD = NOW.minus(Duration.ofDays(10));
    private static final Instant OLDER = NOW.minus(Duration.ofDays(20));
    private static final Instant YOUNG = NOW.minus(Duration.ofMinutes(5));

    // ------------------------------------------------------------ property

    @Test
    void unchangedCopyIsPlannedExactlyAsTheFullStageOne() {
        Map<Long, String> failures = new TreeMap<>();
        int[] plansCompared = {0};
        for (long seed = 1; seed <= SEEDS; seed++) {
            RandomCluster c = RandomCluster.of(seed);
            Random rnd = new Random(seed * 17 + 3);
            ReferenceGraph g = c.sharedGraph();
            String ns = rnd.nextInt(5) == 0 ? c.namespaces.get(rnd.nextInt(c.namespaces.size())) : "";
            PruneOptions o = PruneOptions.library(NOW, new Duration[]{Duration.ZERO, Duration.ofMinutes(30),
                            Duration.ofMinutes(60), null}[rnd.nextInt(4)], rnd.nextInt(5), rnd.nextInt(3) == 0,
                    rnd.nextInt(4) != 0, rnd.nextInt(4) != 0, ns, c.invalidRefs, rnd.nextBoolean());
            try {
                Planner planner = Planner.of(g, o);
                Map<String, StreamPlan> full = new HashMap<>();
                planner.planStreams().plans().forEach(p -> full.put(p.repo(), p));
                for (String repo : g.streamRepos()) {
                    ImageStream stream = g.stream(repo);
                    assertCountsAgree(g, stream, "seed " + seed + ", " + repo);
                    StreamPlan fresh = planner.planFreshStream(stream);
                    assertEquals(full.get(repo), fresh, "seed " + seed + ", " + o + ", stream " + repo);
                    if (fresh != null) {
                        plansCompared[0]++;
                    }
                }
            } catch (AssertionError | RuntimeException e) {
                failures.put(seed, e.toString());
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + SEEDS + " seeds fail " + failures.keySet() + "; first: "
                    + failures.values().iterator().next());
        }
        assertTrue(plansCompared[0] > 0, "vacuous: no stream ever lost a revision");
    }

    /** RepositoryCounts.of over the graph's own copy equals the counts the graph maintains incrementally. */
    private static void assertCountsAgree(ReferenceGraph g, ImageStream stream, String ctx) {
        RepositoryCounts fromCopy = RepositoryCounts.of(stream, g::image);
        RepositoryCounts kept = g.repositoryCounts(stream.repo());
        assertEquals(kept.unreadableRevisions(), fromCopy.unreadableRevisions(), ctx + ": unreadable revisions");
        Set<String> digests = new HashSet<>();
        for (Tag tag : stream.tags()) {
            for (TagEvent item : tag.items()) {
                digests.add(item.image());
                Image image = g.image(item.image());
                if (image != null && image.blobs() != null) {
                    digests.addAll(image.blobs());
                }
            }
        }
        for (String d : digests) {
            assertEquals(kept.manifest(d), fromCopy.manifest(d), ctx + ": manifest count of " + d);
            assertEquals(kept.blob(d), fromCopy.blob(d), ctx + ": blob count of " + d);
        }
    }

    // -------------------------------------------------------- changed copies

    /**
     * The graph lists ns/app:latest = [A, B]; with keep-tag-revisions 1 the full plan removes only B. A is the sole
     * holder of ONLY_A, A and B share SHARED, B alone holds ONLY_B.
     */
    private static ReferenceGraph twoRevisionGraph() {
        ReferenceGraph g = new ReferenceGraph();
        g.putImage(image(A, SHARED, ONLY_A));
        g.putImage(image(B, SHARED, ONLY_B));
        g.putImage(image(C, SHARED, ONLY_C));
        g.putStream(stream(new TagEvent(A, OLD), new TagEvent(B, OLDER)));
        return g;
    }

    private static PruneOptions keepOne(String namespace) {
        return PruneOptions.library(NOW, Duration.ofMinutes(60), 1, null, null, null, namespace, false, true);
    }

    @Test
    void baselineRemovesTheOlderRevision() {
        StreamPlan plan = Planner.of(twoRevisionGraph(), keepOne("")).planFreshStream(stream(
                new TagEvent(A, OLD), new TagEvent(B, OLDER)));
        assertNotNull(plan);
        assertEquals(List.of(new RemovedRevision("latest", 1, B, Rule.OLD_REVISION, OLDER)), plan.removedRevisions());
        // SHARED is still held by A's remaining revision; ONLY_B goes with B
        assertEquals(List.of(ONLY_B), plan.layerLinkDeletions());
        assertEquals(List.of(B), plan.manifestLinkDeletions());
    }

    @Test
    void aNewerRevisionInTheCopyPushesTheOthersOutAndItsBlobsCountFromTheCopy() {
        // someone pushed C to ns/app:latest after the graph was read; C's image is known, the stream is not updated
        ReferenceGraph g = twoRevisionGraph();
        Planner planner = Planner.of(g, keepOne(""));
        ImageStream fresh = stream(new TagEvent(C, YOUNG), new TagEvent(A, OLD), new TagEvent(B, OLDER));

        StreamPlan plan = planner.planFreshStream(fresh);

        assertNotNull(plan);
        assertEquals(List.of(new RemovedRevision("latest", 1, A, Rule.OLD_REVISION, OLD),
                new RemovedRevision("latest", 2, B, Rule.OLD_REVISION, OLDER)), plan.removedRevisions());
        assertEquals(stream(new TagEvent(C, YOUNG)), plan.pruned());
        // the graph's counts (from [A, B]) would let SHARED go with A and B; the copy's C still holds it
        assertEquals(List.of(ONLY_A, ONLY_B), plan.layerLinkDeletions());
        assertEquals(List.of(A, B), plan.manifestLinkDeletions());
        assertEquals(fresh, plan.original());
    }

    @Test
    void aPodThatAppearedAfterPlanningKeepsTheImageByDigest() {
        ReferenceGraph g = twoRevisionGraph();
        Planner planner = Planner.of(g, keepOne(""));
        assertNotNull(planner.planFreshStream(g.stream(REPO)), "B goes before the pod exists");

        g.putReferrer(pod("uses-b", "Running", HOST + "/" + REPO + "@" + B));

        assertNull(planner.planFreshStream(g.stream(REPO)), "B is now used by digest in ns/app (IMAGE_IN_USE)");
    }

    @Test
    void aPodThatAppearedAfterPlanningKeepsTheCurrentRevisionOfItsTag() {
        ReferenceGraph g = new ReferenceGraph();
        g.putImage(image(A, SHARED, ONLY_A));
        g.putImage(image(B, SHARED, ONLY_B));
        g.putStream(stream(new TagEvent(A, OLD), new TagEvent(B, OLDER)));
        // keep-tag-revisions 0: without a tag reference even the current revision goes
        Planner planner = Planner.of(g, PruneOptions.library(NOW, Duration.ofMinutes(60), 0, null, null, null, "",
                false, true));
        StreamPlan before = planner.planFreshStream(g.stream(REPO));
        assertNotNull(before);
        assertEquals(2, before.removedRevisions().size());

        g.putReferrer(pod("uses-tag", "Running", HOST + "/" + REPO + ":latest"));

        StreamPlan after = planner.planFreshStream(g.stream(REPO));
        assertNotNull(after);
        assertEquals(List.of(new RemovedRevision("latest", 1, B, Rule.OLD_REVISION, OLDER)), after.removedRevisions(),
                "rev 0 of a tag now in use stays (TAG_IN_USE)");
    }

    @Test
    void aYoungFinishedPodThatAppearedAfterPlanningKeepsTheImage() {
        // a pod created now that already completed (a short Job) counts because it is young, not because of its phase
        ReferenceGraph g = twoRevisionGraph();
        Planner planner = Planner.of(g, keepOne(""));
        g.putReferrer(pod("job-pod", "Succeeded", HOST + "/" + REPO + "@" + B));

        assertNull(planner.planFreshStream(g.stream(REPO)), "B is used by digest by a counted (young) pod");
    }

    @Test
    void aPodThatAppearedAfterPlanningCountsInANamespacedRunToo() {
        ReferenceGraph g = twoRevisionGraph();
        Planner planner = Planner.of(g, keepOne(NS));
        assertNotNull(planner.planFreshStream(g.stream(REPO)));

        g.putReferrer(pod("uses-b", "Running", HOST + "/" + REPO + "@" + B));

        assertNull(planner.planFreshStream(g.stream(REPO)), "B is now used by digest in ns/app");
    }

    @Test
    void aCopyOutOfScopeOrYoungIsNotPlanned() {
        ReferenceGraph g = twoRevisionGraph();
        assertNull(Planner.of(g, keepOne("other")).planFreshStream(g.stream(REPO)), "outside the run's namespace");
        ImageStream young = new ImageStream(NS, "app", YOUNG, HOST + "/" + REPO,
                List.of(new Tag("latest", List.of(new TagEvent(A, OLD), new TagEvent(B, OLDER)))));
        assertNull(Planner.of(g, keepOne("")).planFreshStream(young), "a stream younger than the threshold");
    }

    // ------------------------------------------------------------- fixtures

    static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    static Image image(String name, String... layers) {
        return new Image(name, OLDER, true, Image.MANIFEST_SCHEMA2,
                java.util.Arrays.stream(layers).map(l -> new Layer(l, 10)).toList(), true, "", 30, List.of(), "");
    }

    private static ImageStream stream(TagEvent... items) {
        return new ImageStream(NS, "app", OLDER, HOST + "/" + REPO, List.of(new Tag("latest", List.of(items))));
    }

    private static Referrer pod(String name, String phase, String imageString) {
        return new Referrer(ReferrerKind.POD, NS, name, NOW, phase, List.of(new Container("c", false, imageString)),
                null);
    }
}
