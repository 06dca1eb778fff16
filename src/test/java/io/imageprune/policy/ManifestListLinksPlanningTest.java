package io.imageprune.policy;

import io.imageprune.graph.ReferenceGraph;
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
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Stage 1's repository links keep what is still pulled through the repository (docs/algorithm.md §6.2).
 * <ul>
 * <li>A kept revision that is a manifest list: its children's manifests and blobs are pulled through the same
 * repository, so a removed revision must not take their links with it. Found by the chaos soak (seed 803048): the head
 * of {@code ns0/app1:stable} was a list whose child shared a layer with older single-image revisions; removing those
 * deleted the layer's link, and the head no longer pulled.</li>
 * <li>An image a referrer names by digest through the repository, also when it is no revision of the stream. Found by
 * the chaos soak (seed 227948): a pod ran {@code ns0/app0@<list>}; the stream was deleted and created again, so the
 * list was no revision of it any more; a run removed an older revision sharing a layer with the list's child and
 * deleted that layer's link, and the pod's image no longer pulled.</li>
 * </ul>
 *
 * <p>The cases repeat one shape (images, a stream, a plan, assertions) on purpose: each is one situation, named.
 */
class ManifestListLinksPlanningTest {
    private static final Instant NOW = RandomCluster.NOW;
    private static final String HOST = RandomCluster.HOST;
    private static final Instant OLD = NOW.minus(Duration.ofDays(10));
    private static final Instant OLDER = NOW.minus(Duration.ofDays(20));

    private static final String LIST = digest('a');
    private static final String CHILD = digest('b');
    private static final String OLD_IMAGE = digest('c');
    private static final String NESTED = digest('d');
    private static final String SHARED = digest('1');
    private static final String ONLY_CHILD = digest('2');
    private static final String ONLY_OLD = digest('3');
    private static final String NAMED = digest('e');
    private static final String ONLY_NAMED = digest('4');

    @Test
    void aLayerAKeptListsChildHoldsKeepsItsLinkWhenAnOlderRevisionHoldingItIsRemoved() {
        ReferenceGraph g = new ReferenceGraph();
        g.putImage(image(CHILD, SHARED, ONLY_CHILD));
        g.putImage(list(LIST, CHILD));
        g.putImage(image(OLD_IMAGE, SHARED, ONLY_OLD));
        g.putStream(stream(new TagEvent(LIST, OLD), new TagEvent(OLD_IMAGE, OLDER)));

        StreamPlan plan = onlyPlan(g);
        assertEquals(List.of(new RemovedRevision("latest", 1, OLD_IMAGE, Rule.OLD_REVISION, OLDER)),
                plan.removedRevisions());
        assertEquals(List.of(ONLY_OLD), plan.layerLinkDeletions(), "SHARED is a layer of the kept list's child");
        assertEquals(List.of(OLD_IMAGE), plan.manifestLinkDeletions());
        assertEquals(plan, Planner.of(g, keepOne()).planFreshStream(g.stream("ns/app")), "the fresh re-decision");
    }

    @Test
    void aRemovedRevisionThatIsAChildOfAKeptListKeepsItsManifestAndLayerLinks() {
        ReferenceGraph g = new ReferenceGraph();
        g.putImage(image(OLD_IMAGE, SHARED, ONLY_OLD));
        g.putImage(list(NESTED, OLD_IMAGE));
        g.putImage(list(LIST, NESTED));
        g.putStream(stream(new TagEvent(LIST, OLD), new TagEvent(OLD_IMAGE, OLDER)));

        StreamPlan plan = onlyPlan(g);
        assertEquals(1, plan.removedRevisions().size());
        assertEquals(List.of(), plan.layerLinkDeletions(), "the list's grandchild holds both layers");
        assertEquals(List.of(), plan.manifestLinkDeletions(), "the list's grandchild is pulled by its digest");
    }

    @Test
    void aKeptListWithAChildTheGraphDoesNotKnowKeepsEveryLayerLink() {
        ReferenceGraph g = new ReferenceGraph();
        g.putImage(list(LIST, CHILD));
        g.putImage(image(OLD_IMAGE, SHARED, ONLY_OLD));
        g.putStream(stream(new TagEvent(LIST, OLD), new TagEvent(OLD_IMAGE, OLDER)));

        StreamPlan plan = onlyPlan(g);
        assertEquals(List.of(), plan.layerLinkDeletions(), "the unknown child may hold any of them");
        assertEquals(List.of(OLD_IMAGE), plan.manifestLinkDeletions());
    }

    @Test
    void theLastMomentCheckSavesTheLinksAKeptListPullsThroughItsChildren() {
        ReferenceGraph g = new ReferenceGraph();
        g.putImage(image(CHILD, SHARED, ONLY_CHILD));
        g.putImage(list(NESTED, CHILD));
        g.putImage(list(LIST, NESTED));
        g.putImage(image(OLD_IMAGE, SHARED, ONLY_OLD));
        g.putStream(stream(new TagEvent(LIST, OLD), new TagEvent(OLD_IMAGE, OLDER)));
        List<RemovedRevision> removed = List.of(new RemovedRevision("latest", 1, OLD_IMAGE, Rule.OLD_REVISION, OLDER));

        LastMomentCheck check = Planner.of(g, keepOne()).lastMomentCheck();
        assertNotNull(check.layerLinkSaved("ns/app", SHARED, removed), "the grandchild of the kept list holds it");
        assertNull(check.layerLinkSaved("ns/app", ONLY_OLD, removed), "nothing kept holds it");
        assertNotNull(check.manifestLinkSaved("ns/app", CHILD, removed), "the kept list names it");
        assertNull(check.manifestLinkSaved("ns/app", OLD_IMAGE, removed), "nothing kept names it");
    }

    @Test
    void theLastMomentCheckSavesEveryLayerLinkWhileAKeptListsChildIsUnknown() {
        ReferenceGraph g = new ReferenceGraph();
        g.putImage(list(LIST, CHILD));
        g.putImage(image(OLD_IMAGE, SHARED, ONLY_OLD));
        g.putStream(stream(new TagEvent(LIST, OLD), new TagEvent(OLD_IMAGE, OLDER)));
        List<RemovedRevision> removed = List.of(new RemovedRevision("latest", 1, OLD_IMAGE, Rule.OLD_REVISION, OLDER));

        assertNotNull(Planner.of(g, keepOne()).lastMomentCheck().layerLinkSaved("ns/app", ONLY_OLD, removed));
    }

    @Test
    void aLayerOfAnImageAPodNamesByDigestThroughTheRepositoryKeepsItsLinkThoughItIsNoRevision() {
        ReferenceGraph g = new ReferenceGraph();
        g.putImage(image(CHILD, ONLY_CHILD));
        g.putImage(image(NAMED, SHARED, ONLY_NAMED));
        g.putImage(image(OLD_IMAGE, SHARED, ONLY_OLD));
        g.putStream(stream(new TagEvent(CHILD, OLD), new TagEvent(OLD_IMAGE, OLDER)));
        assertEquals(List.of(SHARED, ONLY_OLD), sorted(onlyPlan(g).layerLinkDeletions()), "before the pod");

        g.putReferrer(pod("ns/app@" + NAMED));
        StreamPlan plan = onlyPlan(g);
        assertEquals(List.of(new RemovedRevision("latest", 1, OLD_IMAGE, Rule.OLD_REVISION, OLDER)),
                plan.removedRevisions());
        assertEquals(List.of(ONLY_OLD), plan.layerLinkDeletions(), "the pod pulls SHARED through ns/app");
        assertEquals(List.of(OLD_IMAGE), plan.manifestLinkDeletions());
        assertEquals(plan, Planner.of(g, keepOne()).planFreshStream(g.stream("ns/app")), "the fresh re-decision");
    }

    @Test
    void aManifestListAPodNamesByDigestThroughTheRepositoryKeepsItsChildrensLinks() {
        ReferenceGraph g = new ReferenceGraph();
        g.putImage(image(CHILD, ONLY_CHILD));
        g.putImage(image(OLD_IMAGE, SHARED, ONLY_OLD));
        g.putImage(list(NAMED, OLD_IMAGE));
        g.putStream(stream(new TagEvent(CHILD, OLD), new TagEvent(OLD_IMAGE, OLDER)));
        g.putReferrer(pod("ns/app@" + NAMED));

        StreamPlan plan = onlyPlan(g);
        assertEquals(1, plan.removedRevisions().size(), "the revision itself goes: the pod names the list");
        assertEquals(List.of(), plan.layerLinkDeletions(), "the list's child holds both layers");
        assertEquals(List.of(), plan.manifestLinkDeletions(), "the list's child is pulled by its digest");
    }

    @Test
    void anImageAPodNamesThroughTheRepositoryThatTheClusterDoesNotHoldProtectsNothingAsInOc() {
        ReferenceGraph g = new ReferenceGraph();
        g.putImage(image(CHILD, ONLY_CHILD));
        g.putImage(image(OLD_IMAGE, SHARED, ONLY_OLD));
        g.putStream(stream(new TagEvent(CHILD, OLD), new TagEvent(OLD_IMAGE, OLDER)));
        g.putReferrer(pod("ns/app@" + NAMED));

        assertEquals(List.of(SHARED, ONLY_OLD), sorted(onlyPlan(g).layerLinkDeletions()),
                "oc's conformance case 013 (a pod refers to an image not in the graph)");
    }

    @Test
    void aFinishedOldPodNamingAnImageThroughTheRepositoryKeepsNoLinkAsItDoesNotCount() {
        ReferenceGraph g = new ReferenceGraph();
        g.putImage(image(CHILD, ONLY_CHILD));
        g.putImage(image(NAMED, SHARED, ONLY_NAMED));
        g.putImage(image(OLD_IMAGE, SHARED, ONLY_OLD));
        g.putStream(stream(new TagEvent(CHILD, OLD), new TagEvent(OLD_IMAGE, OLDER)));
        g.putReferrer(new Referrer(ReferrerKind.POD, "ns", "done", OLDER, "Succeeded",
                List.of(new Container("main", false, HOST + "/ns/app@" + NAMED)), null));

        assertEquals(List.of(SHARED, ONLY_OLD), sorted(onlyPlan(g).layerLinkDeletions()));
    }

    @Test
    void aPodNamingTheImageThroughAnotherRepositoryKeepsNoLinkOfThisOne() {
        ReferenceGraph g = new ReferenceGraph();
        g.putImage(image(CHILD, ONLY_CHILD));
        g.putImage(image(NAMED, SHARED, ONLY_NAMED));
        g.putImage(image(OLD_IMAGE, SHARED, ONLY_OLD));
        g.putStream(stream(new TagEvent(CHILD, OLD), new TagEvent(OLD_IMAGE, OLDER)));
        g.putReferrer(pod("ns/other@" + NAMED));

        assertEquals(List.of(SHARED, ONLY_OLD), sorted(onlyPlan(g).layerLinkDeletions()));
    }

    @Test
    void theLastMomentCheckSavesTheLinksAnImageNamedThroughTheRepositoryPulls() {
        ReferenceGraph g = new ReferenceGraph();
        g.putImage(image(CHILD, ONLY_CHILD));
        g.putImage(image(OLD_IMAGE, SHARED, ONLY_OLD));
        g.putImage(image(NESTED, SHARED));
        g.putImage(list(NAMED, NESTED));
        g.putStream(stream(new TagEvent(CHILD, OLD), new TagEvent(OLD_IMAGE, OLDER)));
        List<RemovedRevision> removed = List.of(new RemovedRevision("latest", 1, OLD_IMAGE, Rule.OLD_REVISION, OLDER));
        assertNull(Planner.of(g, keepOne()).lastMomentCheck().layerLinkSaved("ns/app", SHARED, removed),
                "planned before the pod");

        g.putReferrer(pod("ns/app@" + NAMED));
        LastMomentCheck check = Planner.of(g, keepOne()).lastMomentCheck();
        assertNotNull(check.layerLinkSaved("ns/app", SHARED, removed), "the named list's child holds it");
        assertNotNull(check.leftoverLayerLinkSaved("ns/app", SHARED, List.of(OLD_IMAGE)), "an interrupted run's too");
        assertNull(check.layerLinkSaved("ns/app", ONLY_OLD, removed), "nothing pulled holds it");
        assertNotNull(check.manifestLinkSaved("ns/app", NESTED, removed), "the named list names it");

        g.removeReferrer(ReferrerKind.POD, "ns", "runner");
        assertNull(Planner.of(g, keepOne()).lastMomentCheck().layerLinkSaved("ns/app", SHARED, removed),
                "the pod is gone");
    }

    private static Referrer pod(String repositoryAndDigest) {
        return new Referrer(ReferrerKind.POD, "ns", "runner", OLDER, "Running",
                List.of(new Container("main", false, HOST + "/" + repositoryAndDigest)), null);
    }

    private static List<String> sorted(List<String> digests) {
        return digests.stream().sorted().toList();
    }

    private static StreamPlan onlyPlan(ReferenceGraph g) {
        List<StreamPlan> plans = Planner.of(g, keepOne()).planStreams().plans();
        assertEquals(1, plans.size());
        StreamPlan plan = plans.get(0);
        assertNotNull(plan);
        return plan;
    }

    private static PruneOptions keepOne() {
        return PruneOptions.library(NOW, Duration.ofMinutes(60), 1, null, null, null, "", false, true);
    }

    private static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    private static Image image(String name, String... layers) {
        return new Image(name, OLDER, true, Image.MANIFEST_SCHEMA2,
                Arrays.stream(layers).map(l -> new Layer(l, 10)).toList(), true, "", 30, List.of(), "");
    }

    private static Image list(String name, String... children) {
        return new Image(name, OLDER, true, Image.MANIFEST_LIST, List.of(), false, "", 0, List.of(children), "");
    }

    private static ImageStream stream(TagEvent... items) {
        return new ImageStream("ns", "app", OLDER, HOST + "/ns/app", List.of(new Tag("latest", List.of(items))));
    }
}
