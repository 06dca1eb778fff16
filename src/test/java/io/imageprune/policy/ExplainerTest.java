package io.imageprune.policy;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.policy.ImageExplanation.BlobShare;
import io.imageprune.policy.ImageExplanation.How;
import io.imageprune.policy.ImageExplanation.ManifestList;
import io.imageprune.policy.ImageExplanation.Protection;
import io.imageprune.policy.ImageExplanation.ReferrerUse;
import io.imageprune.policy.ImageExplanation.Revision;
import io.imageprune.policy.ImageExplanation.Stage2;
import io.imageprune.policy.ImageExplanation.Verdict;
import io.imageprune.properties.RandomCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Explainer} on small hand-built graphs: one verdict rule, referrer shape or blob situation per case. The cases
 * repeat one shape (build, explain, assert) on purpose: each names its situation, and a failure points at it.
 */
class ExplainerTest {
    private static final Instant NOW = RandomCluster.NOW;
    private static final Instant OLD = NOW.minus(Duration.ofDays(10));
    private static final Instant OLDER = NOW.minus(Duration.ofDays(20));
    private static final Instant YOUNG = NOW.minus(Duration.ofMinutes(10));
    private static final String HOST = RandomCluster.HOST;

    private static final String A = d('a');
    private static final String B = d('b');
    private static final String C = d('c');
    private static final String LIST = d('e');
    private static final String CONFIG = d('9');
    private static final String L1 = d('1');
    private static final String L2 = d('2');
    private static final String L3 = d('3');

    private final ReferenceGraph g = new ReferenceGraph();

    private static PruneOptions options(int keepTagRevisions) {
        return PruneOptions.library(NOW, Duration.ofMinutes(60), keepTagRevisions, null, null, null, "", false, true);
    }

    private ImageExplanation explain(String name) {
        return explain(name, options(1));
    }

    private ImageExplanation explain(String name, PruneOptions options) {
        return new Explainer(g, options).explain(name);
    }

    // ================================================================ verdicts

    @Test
    void anImageNoRevisionNamesIsPrunable() {
        g.putImage(image(A, OLD, true, layer(L1, 10)));
        ImageExplanation e = explain(A);
        assertEquals(Verdict.PRUNABLE, e.verdict());
        assertEquals(Rule.UNREFERENCED_IMAGE, e.rule());
        assertEquals(Rule.UNREFERENCED_IMAGE.description(), e.reason());
        assertEquals(Stage2.DECIDED, e.stage2());
        assertTrue(e.referrers().isEmpty() && e.revisions().isEmpty() && e.manifestLists().isEmpty());
    }

    @Test
    void aRemainingRevisionKeepsTheImageInStream() {
        g.putImage(image(A, OLD, true, layer(L1, 10)));
        g.putStream(stream("app", tag("latest", ev(A, OLD))));
        ImageExplanation e = explain(A);
        assertEquals(Verdict.KEPT, e.verdict());
        assertEquals(Rule.IMAGE_IN_STREAM, e.rule());
        assertEquals(List.of(new Revision("ns/app", "latest", 0, OLD, Rule.RECENT_REVISION, false)), e.revisions());
    }

    @Test
    void keepTagRevisionsKeepsAnOlderRevisionThatIsOtherwiseRemovedAsOld() {
        g.putImage(image(A, OLDER, true, layer(L1, 10)));
        g.putImage(image(B, OLD, true, layer(L2, 10)));
        g.putStream(stream("app", tag("latest", ev(B, OLD), ev(A, OLDER))));

        ImageExplanation one = explain(A, options(1));
        assertEquals(List.of(new Revision("ns/app", "latest", 1, OLDER, Rule.OLD_REVISION, true)), one.revisions());
        assertEquals(Verdict.PRUNABLE, one.verdict());
        assertEquals(Rule.UNREFERENCED_IMAGE, one.rule());

        ImageExplanation two = explain(A, options(2));
        assertEquals(List.of(new Revision("ns/app", "latest", 1, OLDER, Rule.RECENT_REVISION, false)),
                two.revisions());
        assertEquals(Verdict.KEPT, two.verdict());
        assertEquals(Rule.IMAGE_IN_STREAM, two.rule());
    }

    @Test
    void aYoungImageIsKept() {
        g.putImage(image(A, YOUNG, true, layer(L1, 10)));
        ImageExplanation e = explain(A);
        assertEquals(Verdict.KEPT, e.verdict());
        assertEquals(Rule.YOUNG_IMAGE, e.rule());
    }

    @Test
    void anUnmanagedImageIsKeptWithoutAll() {
        g.putImage(image(A, OLD, false, layer(L1, 10)));
        PruneOptions notAll = PruneOptions.library(NOW, Duration.ofMinutes(60), 1, null, false, null, "", false, true);
        assertEquals(Rule.UNMANAGED, explain(A, notAll).rule());
        assertEquals(Rule.UNREFERENCED_IMAGE, explain(A).rule());
    }

    @Test
    void aRunningPodNamingTheDigestPinsIt() {
        g.putImage(image(A, OLD, true, layer(L1, 10)));
        g.putReferrer(pod("web", OLD, "Running", new Container("web", false, HOST + "/ns/app@" + A)));
        ImageExplanation e = explain(A);
        assertEquals(Verdict.KEPT, e.verdict());
        assertEquals(Rule.PINNED, e.rule());
        assertEquals(List.of(new ReferrerUse(ReferrerKind.POD, "ns", "web", "container web", HOST + "/ns/app@" + A,
                        true, List.of(new Protection(How.PINS_DIGEST, null),
                        new Protection(How.USES_IMAGE_IN_STREAM, "ns/app")))),
                e.referrers());

        PruneOptions unpinned = options(1).withKeepPinnedImages(false);
        assertEquals(Rule.UNREFERENCED_IMAGE, explain(A, unpinned).rule(), "oc's own result without safety rule 1");
    }

    @Test
    void anOldFinishedPodDoesNotCountButAYoungOneDoes() {
        g.putImage(image(A, OLD, true, layer(L1, 10)));
        g.putReferrer(pod("done", OLD, "Succeeded", new Container("job", false, HOST + "/ns/app@" + A)));
        ImageExplanation e = explain(A);
        assertEquals(1, e.referrers().size());
        assertFalse(e.referrers().get(0).counts());
        assertEquals(Verdict.PRUNABLE, e.verdict());

        g.putReferrer(pod("done", YOUNG, "Succeeded", new Container("job", false, HOST + "/ns/app@" + A)));
        ImageExplanation young = explain(A);
        assertTrue(young.referrers().get(0).counts());
        assertEquals(Rule.PINNED, young.rule());
    }

    @Test
    void aTagReferenceNamesOnlyTheTagsCurrentImage() {
        g.putImage(image(A, OLDER, true, layer(L1, 10)));
        g.putImage(image(B, OLD, true, layer(L2, 10)));
        g.putStream(stream("app", tag("latest", ev(B, OLD), ev(A, OLDER))));
        g.putReferrer(pod("web", OLD, "Running",
                new Container("setup", true, HOST + "/ns/app:latest"),
                new Container("web", false, "busybox")));

        ImageExplanation current = explain(B);
        assertEquals(List.of(new ReferrerUse(ReferrerKind.POD, "ns", "web", "init container setup",
                        HOST + "/ns/app:latest", true, List.of(new Protection(How.USES_TAG, "ns/app:latest")))),
                current.referrers());
        assertEquals(Rule.TAG_IN_USE, current.revisions().get(0).rule());

        ImageExplanation older = explain(A);
        assertTrue(older.referrers().isEmpty(), "the tag no longer points at it: " + older.referrers());
        assertEquals(Rule.OLD_REVISION, older.revisions().get(0).rule());
    }

    @Test
    void aBuildNamesTheImageThroughItsStrategySource() {
        g.putImage(image(A, OLD, true, layer(L1, 10)));
        g.putStream(stream("app", tag("latest", ev(A, OLD))));
        g.putReferrer(new Referrer(ReferrerKind.BUILD_CONFIG, "ns", "bc", OLD, "", List.of(),
                new BuildSource("ImageStreamImage", "", "app@" + A)));
        ImageExplanation e = explain(A);
        assertEquals(List.of(new ReferrerUse(ReferrerKind.BUILD_CONFIG, "ns", "bc",
                        "spec.strategy.from ImageStreamImage", "app@" + A, true,
                        List.of(new Protection(How.PINS_DIGEST, null),
                                new Protection(How.USES_IMAGE_IN_STREAM, "ns/app")))),
                e.referrers());
    }

    @Test
    void namespacedRunsDoNotRunStage2() {
        g.putImage(image(A, OLD, true, layer(L1, 10)));
        g.putStream(stream("app", tag("latest", ev(A, OLD))));
        PruneOptions other = PruneOptions.library(NOW, Duration.ofMinutes(60), 1, null, null, null, "other", false,
                true);
        ImageExplanation e = explain(A, other);
        assertEquals(Verdict.KEPT, e.verdict());
        assertNull(e.rule());
        assertEquals(Stage2.NAMESPACED, e.stage2());
        assertTrue(e.reason().contains("stage 2 does not run"), e.reason());
        assertNull(e.revisions().get(0).rule(), "ns/app is outside namespace other");
    }

    @Test
    void anUnknownImageStillShowsTheRevisionsNamingIt() {
        g.putStream(stream("app", tag("latest", ev(B, OLD), ev(A, OLDER))));
        ImageExplanation e = explain(A);
        assertEquals(Verdict.UNKNOWN_IMAGE, e.verdict());
        assertEquals(Stage2.UNKNOWN, e.stage2());
        assertEquals(List.of(new Revision("ns/app", "latest", 1, OLDER, Rule.DANGLING, true)), e.revisions());
    }

    @Test
    void invalidReferencesRefuseTheRunSoNothingIsRemoved() {
        g.putImage(image(A, OLDER, true, layer(L1, 10)));
        g.putImage(image(B, OLD, true, layer(L2, 10)));
        g.putStream(stream("app", tag("latest", ev(B, OLD), ev(A, OLDER))));
        g.putReferrer(pod("bad", OLD, "Running", new Container("c", false, "Not A Reference")));
        ImageExplanation e = explain(A);
        assertEquals(Stage2.REFUSED, e.stage2());
        assertEquals(Verdict.KEPT, e.verdict());
        assertEquals(new Revision("ns/app", "latest", 1, OLDER, Rule.OLD_REVISION, false), e.revisions().get(0));
    }

    @Test
    void aKeptManifestListKeepsItsChild() {
        g.putImage(image(A, OLD, true, layer(L1, 10)));
        g.putImage(new Image(LIST, OLD, true, Image.MANIFEST_LIST, List.of(), true, "", 0, List.of(A), ""));
        g.putStream(stream("app", tag("latest", ev(LIST, OLD))));
        ImageExplanation e = explain(A);
        assertEquals(Rule.IMAGE_IN_STREAM, e.rule());
        assertTrue(e.revisions().isEmpty());
        assertEquals(List.of(new ManifestList(LIST, Rule.IMAGE_IN_STREAM, true)), e.manifestLists());

        g.removeStream("ns", "app");
        ImageExplanation orphan = explain(A);
        assertEquals(Verdict.PRUNABLE, orphan.verdict());
        assertEquals(List.of(new ManifestList(LIST, Rule.UNREFERENCED_IMAGE, false)), orphan.manifestLists());
    }

    // ================================================================== blobs

    @Test
    void sharedBlobsCountOtherHoldersAndOnlyExclusiveLayersAreReclaimed() {
        g.putImage(new Image(A, OLD, true, Image.MANIFEST_SCHEMA2,
                List.of(layer(L1, 100), layer(L2, 50), layer(L3, 7)), true, CONFIG, 157, List.of(), ""));
        g.putImage(image(B, OLD, true, layer(L1, 100)));
        g.putImage(image(C, OLD, true, layer(L1, 100), layer(L2, 50)));
        ImageExplanation e = explain(A);
        assertEquals(List.of(new BlobShare(L1, "layer", 100, 2), new BlobShare(L2, "layer", 50, 1),
                new BlobShare(L3, "layer", 7, 0), new BlobShare(CONFIG, "config", 0, 0)), e.sharedBlobs());
        assertEquals(2, e.imagesSharingBlobs());
        assertEquals(7, e.bytes());
    }

    // ================================================================ helpers

    private static String d(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    private static Layer layer(String digest, long size) {
        return new Layer(digest, size);
    }

    private static Image image(String name, Instant created, boolean managed, Layer... layers) {
        long size = 0;
        for (Layer l : layers) {
            size += l.size();
        }
        return new Image(name, created, managed, Image.MANIFEST_SCHEMA2, List.of(layers), true, "", size,
                List.of(), "");
    }

    private static TagEvent ev(String image, Instant created) {
        return new TagEvent(image, created);
    }

    private static Tag tag(String name, TagEvent... items) {
        return new Tag(name, List.of(items));
    }

    private static ImageStream stream(String name, Tag... tags) {
        return new ImageStream("ns", name, OLDER.minus(Duration.ofDays(1)), HOST + "/ns/" + name,
                new ArrayList<>(List.of(tags)));
    }

    private static Referrer pod(String name, Instant created, String phase, Container... containers) {
        return new Referrer(ReferrerKind.POD, "ns", name, created, phase, List.of(containers), null);
    }
}
