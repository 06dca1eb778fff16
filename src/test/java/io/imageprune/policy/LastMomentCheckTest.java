package io.imageprune.policy;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.graph.ReferrerEntry;
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
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Safety rule 4 on small hand-built graphs: each case changes one thing in the graph after "planning" and checks that
 * the check keeps exactly what that change now protects, and nothing just because the run itself removed it.
 */
class LastMomentCheckTest {
    private static final Instant NOW = RandomCluster.NOW;
    private static final Instant OLD = NOW.minus(Duration.ofDays(10));
    private static final String HOST = RandomCluster.HOST;
    private static final String NS = "ns";
    private static final String APP = "ns/app";
    private static final String WEB = "ns/web";

    private static final String A = d('a');
    private static final String B = d('b');
    private static final String X = d('c');
    private static final String LIST = d('e');
    private static final String OUTER_LIST = d('f');
    private static final String L1 = d('1');
    private static final String L2 = d('2');
    private static final String L3 = d('3');

    private static final Map<String, List<RemovedRevision>> NONE = Map.of();

    private ReferenceGraph g = new ReferenceGraph();

    private LastMomentCheck check(boolean keepPinned) {
        return Planner.of(g, PruneOptions.library(NOW, Duration.ofMinutes(60), 1, null, null, null, "", false,
                keepPinned)).lastMomentCheck();
    }

    private LastMomentCheck check() {
        return check(true);
    }

    // ================================================================= images

    @Test
    void unreferencedImageMayGo() {
        g.putImage(image(A, L1));
        assertNull(check().imageSaved(A, NONE));
    }

    @Test
    void aNewStreamRevisionSavesTheImage() {
        g.putImage(image(A, L1));
        LastMomentCheck check = check();
        g.putStream(stream("app", tag("latest", A)));
        assertEquals("stream ns/app now has a revision of the image", check.imageSaved(A, NONE));
    }

    @Test
    void revisionsTheRunRemovedItselfDoNotSaveTheImage() {
        g.putImage(image(A, L1));
        g.putImage(image(B, L2));
        // the graph has not seen the run's write yet: it still lists A at latest[1]
        g.putStream(stream("app", tag("latest", B, A)));
        Map<String, List<RemovedRevision>> removed = Map.of(APP, List.of(removed("latest", 1, A)));
        assertNull(check().imageSaved(A, removed));
        assertNotNull(check().imageSaved(A, NONE), "without the run's removal the stale revision would save it");
    }

    @Test
    void aRemovedRevisionDoesNotHideAnotherRevisionOfTheSameImage() {
        g.putImage(image(A, L1));
        g.putImage(image(B, L2));
        // A is in two tags and twice in one; the run removed one of the three
        g.putStream(stream("app", tag("latest", B, A, A), tag("v1", A)));
        Map<String, List<RemovedRevision>> removedOnce = Map.of(APP, List.of(removed("latest", 2, A)));
        assertEquals("stream ns/app now has a revision of the image", check().imageSaved(A, removedOnce));
        Map<String, List<RemovedRevision>> latestGone = Map.of(APP,
                List.of(removed("latest", 1, A), removed("latest", 2, A)));
        assertNotNull(check().imageSaved(A, latestGone), "v1 still names it");
        Map<String, List<RemovedRevision>> allGone = Map.of(APP,
                List.of(removed("latest", 1, A), removed("latest", 2, A), removed("v1", 0, A)));
        assertNull(check().imageSaved(A, allGone));
        // a removal in another repository says nothing about this one
        Map<String, List<RemovedRevision>> elsewhere = Map.of(WEB, List.of(removed("v1", 0, A)));
        assertNotNull(check().imageSaved(A, elsewhere));
    }

    @Test
    void aRunningPodNamingTheImageByDigestSavesItUnderSafetyRuleOne() {
        g.putImage(image(A, L1));
        g.putReferrer(pod("p", "Running", "quay.io/someone/else@" + A));
        assertEquals("a referrer now names the image by digest", check(true).imageSaved(A, NONE));
        assertNull(check(false).imageSaved(A, NONE), "without safety rule 1 a pin protects nothing in stage 2");
    }

    @Test
    void aPodStartedAfterTheCheckWasMadeStillCounts() {
        g.putImage(image(A, L1));
        LastMomentCheck check = check(true);
        g.putReferrer(pod("p", "Running", HOST + "/other/x@" + A));
        assertNotNull(check.imageSaved(A, NONE));
    }

    @Test
    void aManifestListInUseSavesItsChildren() {
        g.putImage(image(A, L1));
        g.putImage(index(LIST, A));
        assertNull(check().imageSaved(A, NONE), "an unused list protects nothing");

        g.putStream(stream("app", tag("latest", LIST)));
        assertEquals("manifest list " + LIST + " holding it is in use: stream ns/app now has a revision of the image",
                check().imageSaved(A, NONE));
        // the run's own removal of the list's revision takes the protection away again
        assertNull(check().imageSaved(A, Map.of(APP, List.of(removed("latest", 0, LIST)))));
    }

    @Test
    void aNestedManifestListInUseSavesTheGrandchild() {
        g.putImage(image(A, L1));
        g.putImage(index(LIST, A));
        g.putImage(index(OUTER_LIST, LIST));
        g.putStream(stream("app", tag("latest", OUTER_LIST)));
        String saved = check().imageSaved(A, NONE);
        assertNotNull(saved);
        assertTrue(saved.startsWith("manifest list " + LIST + " holding it is in use: manifest list " + OUTER_LIST),
                saved);
    }

    @Test
    void aPinnedManifestListSavesItsChildren() {
        g.putImage(image(A, L1));
        g.putImage(index(LIST, A));
        g.putReferrer(pod("p", "Running", HOST + "/ns/app@" + LIST));
        assertEquals("manifest list " + LIST + " holding it is in use: a referrer now names the image by digest",
                check(true).imageSaved(A, NONE));
    }

    @Test
    void anImageRetaggedAfterTheRunsWriteCameBackIsSaved() {
        g.putImage(image(A, L1));
        g.putImage(image(B, L2));
        Map<String, List<RemovedRevision>> removed = Map.of(APP, List.of(removed("latest", 1, B)));
        // the run wrote latest=[A] (B removed from latest[1]); then B was tagged as latest again, and the graph has
        // seen both: the one revision naming B is new, not the one the run removed
        g.putStream(new ImageStream(NS, "app", OLD, HOST + "/ns/app", List.of(new Tag("latest",
                List.of(new TagEvent(B, NOW), new TagEvent(A, OLD))))));
        assertEquals("stream ns/app now has a revision of the image", check().imageSaved(B, removed));
    }

    // ================================================================== blobs

    @Test
    void aBlobHeldOnlyByTheRunsImagesMayGo() {
        Image a = image(A, L1, L2);
        Image b = image(B, L1);
        g.putImage(a);
        g.putImage(b);
        assertNull(check().blobSaved(L1, List.of(a, b), NONE));
        assertNull(check().blobSaved(A, List.of(a), NONE), "an image's own manifest blob, held by itself");
    }

    @Test
    void aBlobTwiceInOneImageIsStillHeldOnlyByIt() {
        Image a = image(A, L1, L1);
        g.putImage(a);
        assertNull(check().blobSaved(L1, List.of(a), NONE));
    }

    @Test
    void aNewImageHoldingTheBlobSavesIt() {
        Image a = image(A, L1);
        g.putImage(a);
        LastMomentCheck check = check();
        g.putImage(image(X, L3, L1));
        assertEquals("another image now holds it", check.blobSaved(L1, List.of(a), NONE));
        assertNull(check.blobSaved(L2, List.of(), NONE), "nobody holds L2");
    }

    @Test
    void aHolderTheRunAlreadyDeletedNoLongerCounts() {
        Image a = image(A, L1);
        Image b = image(B, L1);
        g.putImage(a);
        g.putImage(b);
        g.removeImage(A); // the run's image DELETE for A has come back through the graph
        assertNull(check().blobSaved(L1, List.of(a, b), NONE));
        // A must not be counted as a holder any more, or it would hide a newcomer
        g.putImage(image(X, L1));
        assertEquals("another image now holds it", check().blobSaved(L1, List.of(a, b), NONE));
    }

    @Test
    void aRunHolderThatBecameReferencedSavesTheBlob() {
        // same two-holder setup as the test above, spelt out so each case reads on its own
        Image a = image(A, L1);
        Image b = image(B, L1);
        g.putImage(a);
        g.putImage(b);
        g.putStream(stream("web", tag("v1", B)));
        assertEquals("image " + B + " holding it is kept: stream ns/web now has a revision of the image",
                check().blobSaved(L1, List.of(a, b), NONE));
        assertNull(check().blobSaved(L1, List.of(a, b), Map.of(WEB, List.of(removed("v1", 0, B)))),
                "unless that revision is one the run removed");
    }

    // ============================================================ layer links

    /** ns/app:latest = [A, B]: A holds L1, L2; B holds L2, L3; the run removed B at latest[1]. */
    private List<RemovedRevision> appWithBRemoved() {
        g.putImage(image(A, L1, L2));
        g.putImage(image(B, L2, L3));
        g.putStream(stream("app", tag("latest", A, B)));
        return List.of(removed("latest", 1, B));
    }

    @Test
    void aLayerOfARemainingRevisionStays() {
        List<RemovedRevision> removed = appWithBRemoved();
        assertEquals("image " + A + " of a remaining revision holds it", check().layerLinkSaved(APP, L2, removed));
    }

    @Test
    void aLayerOnlyRemovedRevisionsHeldMayGo() {
        List<RemovedRevision> removed = appWithBRemoved();
        assertNull(check().layerLinkSaved(APP, L3, removed));
        assertNotNull(check().layerLinkSaved(APP, L3, List.of()), "unless B's revision still counts");
    }

    @Test
    void aLayerLinkIsDecidedTheSameOnceTheGraphShowsTheWrite() {
        List<RemovedRevision> removed = appWithBRemoved();
        g.putStream(stream("app", tag("latest", A)));
        assertNull(check().layerLinkSaved(APP, L3, removed));
        assertNotNull(check().layerLinkSaved(APP, L2, removed));
    }

    @Test
    void aLayerOfARemovedRevisionNowUsedByDigestInThatStreamStays() {
        List<RemovedRevision> removed = appWithBRemoved();
        g.putReferrer(pod("p", "Running", HOST + "/ns/app@" + B));
        assertEquals("a referrer now uses image " + B + " holding it", check(false).layerLinkSaved(APP, L3, removed));
    }

    @Test
    void aUseOfTheImageInAnotherStreamDoesNotSaveTheLink() {
        List<RemovedRevision> removed = appWithBRemoved();
        g.putReferrer(pod("p", "Running", HOST + "/ns/web@" + B));
        assertNull(check(false).layerLinkSaved(APP, L3, removed), "by-digest use is per repository");
        assertNotNull(check(true).layerLinkSaved(APP, L3, removed), "but it pins the image under safety rule 1");
    }

    @Test
    void aLayerLinkOfAStreamThatIsGoneIsDecidedByReferencesAlone() {
        List<RemovedRevision> removed = appWithBRemoved();
        g.removeStream(NS, "app");
        assertNull(check(false).layerLinkSaved(APP, L2, removed));
    }

    // ========================================================= manifest links

    @Test
    void aManifestLinkOfARemainingRevisionStays() {
        List<RemovedRevision> removed = appWithBRemoved();
        assertEquals("a remaining revision of the stream names it", check().manifestLinkSaved(APP, A, removed));
        assertEquals("a remaining revision of the stream names it", check().manifestLinkSaved(APP, B, List.of()));
    }

    @Test
    void aManifestLinkOfARemovedRevisionMayGo() {
        List<RemovedRevision> removed = appWithBRemoved();
        assertNull(check().manifestLinkSaved(APP, B, removed));
    }

    @Test
    void aManifestLinkUsedByDigestInTheStreamStays() {
        List<RemovedRevision> removed = appWithBRemoved();
        g.putReferrer(pod("p", "Running", HOST + "/ns/app@" + B));
        assertEquals("a referrer now uses it by digest", check(false).manifestLinkSaved(APP, B, removed));
    }

    @Test
    void aPodStartedAfterPlanningSavesTheManifestLinkInANamespacedRun() {
        List<RemovedRevision> removed = appWithBRemoved();
        Planner planner = Planner.of(g, PruneOptions.library(NOW, Duration.ofMinutes(60), 1, null, null, null, NS,
                false, false));
        g.putReferrer(pod("p", "Running", HOST + "/ns/app@" + B));
        assertEquals("a referrer now uses it by digest", planner.lastMomentCheck().manifestLinkSaved(APP, B, removed));
    }

    @Test
    void aYoungFinishedPodStartedAfterPlanningSavesTheImage() {
        g.putImage(image(A, L1));
        Planner planner = Planner.of(g, PruneOptions.library(NOW, Duration.ofMinutes(60), 1, null, null, null, "",
                false, true));
        g.putReferrer(pod("job-pod", "Succeeded", HOST + "/other/x@" + A));
        assertEquals("a referrer now names the image by digest", planner.lastMomentCheck().imageSaved(A, NONE));
    }

    @Test
    void aManifestLinkRetaggedAfterTheWriteStays() {
        List<RemovedRevision> removed = appWithBRemoved();
        // the run's write [A] came back, then someone tagged B again as latest: B is named by a new revision
        g.putStream(new ImageStream(NS, "app", OLD, HOST + "/ns/app", List.of(new Tag("latest",
                List.of(new TagEvent(B, NOW), new TagEvent(A, OLD))))));
        assertEquals("a remaining revision of the stream names it", check().manifestLinkSaved(APP, B, removed));
    }

    @Test
    void aRemovedRevisionWithoutItsTimeStandsForAnyRevisionOfTheImageInTheTag() {
        appWithBRemoved();
        List<RemovedRevision> timeless = List.of(new RemovedRevision("latest", 1, B, Rule.OLD_REVISION));
        assertNull(check().manifestLinkSaved(APP, B, timeless));
        assertNull(check().imageSaved(B, Map.of(APP, timeless)));
        assertNotNull(check().imageSaved(A, Map.of(APP, timeless)));
    }

    // ===================================================== graph indexes used

    @Test
    void revisionsNamingFollowsStreamPutsReplacesAndRemoves() {
        assertEquals(Map.of(), g.revisionsNaming(A));
        g.putStream(stream("app", tag("latest", A, B, A), tag("v1", A)));
        g.putStream(stream("web", tag("v1", A)));
        assertEquals(Map.of(APP, 3, WEB, 1), g.revisionsNaming(A), "counted whether or not the image is known");
        assertEquals(Map.of(APP, 1), g.revisionsNaming(B));

        g.putImage(image(A, L1));
        g.putImage(image(A, L2)); // replacing the image does not touch the stream index
        assertEquals(Map.of(APP, 3, WEB, 1), g.revisionsNaming(A));

        g.putStream(stream("app", tag("latest", B)));
        assertEquals(Map.of(WEB, 1), g.revisionsNaming(A));
        assertEquals(Map.of(APP, 1), g.revisionsNaming(B));

        assertTrue(g.removeStream(NS, "web"));
        assertEquals(Map.of(), g.revisionsNaming(A));
        g.removeImage(A);
        assertEquals(Map.of(), g.revisionsNaming(A));
        assertEquals(Map.of(APP, 1), g.revisionsNaming(B));
        g.removeStream(NS, "app");
        assertEquals(Map.of(), g.revisionsNaming(B));
    }

    @Test
    void manifestListsNamingFollowsImagePutsReplacesAndRemoves() {
        assertEquals(Set.of(), g.manifestListsNaming(A));
        g.putImage(index(LIST, A, B, A));
        g.putImage(index(OUTER_LIST, A, LIST));
        assertEquals(Set.of(LIST, OUTER_LIST), g.manifestListsNaming(A), "children need not exist");
        assertEquals(Set.of(LIST), g.manifestListsNaming(B));
        assertEquals(Set.of(OUTER_LIST), g.manifestListsNaming(LIST));

        g.putImage(index(LIST, B));
        assertEquals(Set.of(OUTER_LIST), g.manifestListsNaming(A), "a replaced list no longer names A");
        assertEquals(Set.of(LIST), g.manifestListsNaming(B));

        g.putImage(image(OUTER_LIST, L1)); // the digest is now a plain image: it names no child
        assertEquals(Set.of(), g.manifestListsNaming(A));
        assertEquals(Set.of(), g.manifestListsNaming(LIST));

        assertTrue(g.removeImage(LIST));
        assertEquals(Set.of(), g.manifestListsNaming(B));
        assertTrue(!g.removeImage(LIST), "a second remove finds nothing");
        assertEquals(Set.of(), g.manifestListsNaming(B));
    }

    @Test
    void referrerIsFoundByKindNamespaceAndName() {
        Referrer p = pod("p", "Running", HOST + "/ns/app:latest");
        g.putReferrer(p);
        Referrer cluster = new Referrer(ReferrerKind.BUILD_CONFIG, null, "bc", NOW, "", List.of(), null);
        g.putReferrer(cluster);
        ReferrerEntry entry = g.referrer(ReferrerKind.POD, NS, "p");
        assertNotNull(entry);
        assertSame(p, entry.referrer());
        assertNull(g.referrer(ReferrerKind.DEPLOYMENT, NS, "p"), "the kind is part of the identity");
        assertNull(g.referrer(ReferrerKind.POD, "other", "p"));
        assertSame(cluster, g.referrer(ReferrerKind.BUILD_CONFIG, null, "bc").referrer(), "null namespace is \"\"");
        assertSame(cluster, g.referrer(ReferrerKind.BUILD_CONFIG, "", "bc").referrer());

        Referrer replaced = pod("p", "Succeeded", HOST + "/ns/app:v1");
        g.putReferrer(replaced);
        assertSame(replaced, g.referrer(ReferrerKind.POD, NS, "p").referrer());
        assertTrue(g.removeReferrer(ReferrerKind.POD, NS, "p"));
        assertNull(g.referrer(ReferrerKind.POD, NS, "p"));
    }

    // =============================================================== fixtures

    private static String d(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    @Test
    void aYoungRevisionOfAnImageNotInTheGraphYetKeepsEveryBlob() {
        g.putImage(image(A, L1));
        // B was pushed and tagged a minute ago; its Image object has not reached the graph
        g.putStream(new ImageStream(NS, "app", OLD, "", List.of(new Tag("latest",
                List.of(new TagEvent(B, NOW.minus(Duration.ofMinutes(1))))))));
        assertEquals(Set.of(B), g.namedButUnknown());
        assertEquals("image " + B + " of a young revision in ns/app is not in the graph yet, and may hold it",
                check().blobSaved(L1, List.of(image(A, L1)), NONE));

        g.putImage(image(B, L2));
        assertEquals(Set.of(), g.namedButUnknown(), "known now");
        assertNull(check().blobSaved(L1, List.of(image(A, L1)), NONE), "and it does not hold L1");
    }

    @Test
    void anOldRevisionOfAMissingImageIsDanglingAndKeepsNothing() {
        g.putImage(image(A, L1));
        g.putStream(stream("app", tag("latest", B)));
        assertEquals(Set.of(B), g.namedButUnknown());
        assertNull(check().blobSaved(L1, List.of(image(A, L1)), NONE));
        g.putImage(image(B, L2));
        g.removeImage(B);
        assertEquals(Set.of(B), g.namedButUnknown(), "deleted but still named");
        g.removeStream(NS, "app");
        assertEquals(Set.of(), g.namedButUnknown(), "no longer named");
    }

    private static Image image(String name, String... layers) {
        return new Image(name, OLD, true, Image.MANIFEST_SCHEMA2,
                Arrays.stream(layers).map(l -> new Layer(l, 10)).toList(), true, "", 10, List.of(), "");
    }

    private static Image index(String name, String... children) {
        return new Image(name, OLD, true, Image.MANIFEST_LIST, List.of(), false, "", 0, List.of(children), "");
    }

    private static Tag tag(String name, String... images) {
        return new Tag(name, Arrays.stream(images).map(i -> new TagEvent(i, OLD)).toList());
    }

    private static ImageStream stream(String name, Tag... tags) {
        return new ImageStream(NS, name, OLD, HOST + "/" + NS + "/" + name, List.of(tags));
    }

    /** A revision of one of the fixtures' tags (their events are all at OLD) that the run removed. */
    private static RemovedRevision removed(String tag, int index, String image) {
        return new RemovedRevision(tag, index, image, Rule.OLD_REVISION, OLD);
    }

    private static Referrer pod(String name, String phase, String imageString) {
        return new Referrer(ReferrerKind.POD, NS, name, NOW, phase, List.of(new Container("c", false, imageString)),
                null);
    }
}
