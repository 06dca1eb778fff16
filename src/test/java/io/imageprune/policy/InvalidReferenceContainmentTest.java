package io.imageprune.policy;

import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
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
import io.imageprune.options.InvalidReferenceMode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Contain mode on a small cluster: three streams in two namespaces, each with one current and two old revisions, and
 * two images in no stream. Keeping one revision per tag, ignore mode removes six revisions and deletes eight images;
 * contain mode keeps exactly what each invalid reference could name.
 */
class InvalidReferenceContainmentTest {
    private static final Instant NOW = Instant.parse("2025-01-15T12:00:00Z");
    private static final Instant OLD = NOW.minus(Duration.ofDays(10));
    private static final String HOST = "registry.example:5000";
    /** An image in no stream whose digest starts with this fragment. */
    private static final String FRAGMENT = "0123456789abcdef";
    private static final String LOOSE = "sha256:" + FRAGMENT + "0".repeat(48);
    private static final String LOOSE_OTHER = digest("9");

    private final ReferenceGraph graph = cluster();

    @Test
    void stopRefusesIgnorePrunesEverythingContainKeepsTheNamedRepository() {
        graph.putReferrer(build("shop", "b", HOST + "/shop/web@sha256:abc"));

        Planner stop = Planner.of(graph, options(InvalidReferenceMode.STOP));
        assertTrue(stop.refuses());

        PruneResult ignored = PruneExecutor.dryRun(Planner.of(graph, options(InvalidReferenceMode.IGNORE)));
        assertEquals(Set.of("shop/web", "shop/api", "other/db"), repos(ignored));
        assertEquals(8, ignored.imageDeletions().size());

        Planner contain = Planner.of(graph, options(InvalidReferenceMode.CONTAIN));
        assertFalse(contain.refuses());
        PruneResult contained = PruneExecutor.dryRun(contain);
        assertEquals(Set.of("shop/api", "other/db"), repos(contained), "no revision of shop/web is removed");
        Set<String> expected = new TreeSet<>(ignored.imageDeletions());
        expected.removeAll(Set.of(image("shop/web", 1), image("shop/web", 2)));
        assertEquals(expected, new TreeSet<>(contained.imageDeletions()), "none of shop/web's images is deleted");
        assertEquals(Rule.CONTAINED_INVALID_REFERENCE, contain.planStreams().untouched().get("shop/web"));
        assertEquals("contained invalid reference in Build shop/b",
                contain.ruleSource("shop/web", Rule.CONTAINED_INVALID_REFERENCE));

        List<InvalidReferenceContainment.Contained> listed = contain.containment().contained();
        assertEquals(1, listed.size());
        assertEquals("Build shop/b", listed.get(0).holder());
        assertEquals("imagestream shop/web", listed.get(0).protects());
        assertEquals(contain.invalidReferences(), List.of(listed.get(0).message()));
    }

    @Test
    void anUnparsableRepositoryKeepsTheHoldersNamespaceAndAHexFragmentKeepsTheImagesItStarts() {
        graph.putReferrer(pod("other", "p", HOST + "/-bad-/x@sha256:" + FRAGMENT.toUpperCase()));

        Planner contain = Planner.of(graph, options(InvalidReferenceMode.CONTAIN));
        PruneResult result = PruneExecutor.dryRun(contain);
        assertEquals(Set.of("shop/web", "shop/api"), repos(result), "every stream of namespace other is left alone");
        assertTrue(result.imageDeletions().contains(LOOSE_OTHER));
        assertFalse(result.imageDeletions().contains(LOOSE), "the image the fragment starts is kept");
        assertEquals(Map.of(LOOSE, Rule.CONTAINED_IMAGE, LOOSE_OTHER, Rule.UNREFERENCED_IMAGE),
                contain.imageRules(Map.of(), Set.of(LOOSE, LOOSE_OTHER)));
        assertEquals("every imagestream of namespace other; images whose digest begins with "
                + FRAGMENT.toLowerCase(), contain.containment().contained().get(0).protects());

        List<String> explained = new Explainer(graph, options(InvalidReferenceMode.CONTAIN)).explain(LOOSE).beyondOc();
        assertEquals(1, explained.size(), explained.toString());
        assertTrue(explained.get(0).startsWith("kept: contained invalid reference in Pod other/p could name the image"),
                explained.toString());
        List<String> byStream = new Explainer(graph, options(InvalidReferenceMode.CONTAIN))
                .explain(image("other/db", 2)).beyondOc();
        assertTrue(byStream.get(0).startsWith("stream other/db left alone: contained invalid reference in Pod other/p"),
                byStream.toString());
    }

    @Test
    void aReferenceThatAppearsAfterPlanningSavesWhatItCouldNameAtTheLastMoment() {
        Planner planner = Planner.of(graph, options(InvalidReferenceMode.CONTAIN));
        String oldWeb = image("shop/web", 2);
        List<RemovedRevision> removed = List.of(new RemovedRevision("latest", 2, oldWeb, Rule.OLD_REVISION,
                OLD.minusSeconds(120)));
        assertNull(planner.lastMomentCheck().imageSaved(LOOSE, Map.of()));
        assertNull(planner.lastMomentCheck().manifestLinkSaved("shop/web", oldWeb, removed));

        graph.putReferrer(build("shop", "late", HOST + "/shop/web@sha256:" + FRAGMENT));
        assertEquals("a contained invalid reference in Build shop/late now could name the image",
                planner.lastMomentCheck().imageSaved(LOOSE, Map.of()));
        assertEquals("a contained invalid reference in Build shop/late now could name the repository",
                planner.lastMomentCheck().manifestLinkSaved("shop/web", oldWeb, removed));
        assertEquals("a contained invalid reference in Build shop/late now could name the repository",
                planner.lastMomentCheck().layerLinkSaved("shop/web", digest("e"), List.of()));
        assertNull(planner.lastMomentCheck().manifestLinkSaved("shop/api", image("shop/api", 2), List.of(
                new RemovedRevision("latest", 2, image("shop/api", 2), Rule.OLD_REVISION, OLD.minusSeconds(120)))));
    }

    @Test
    void ocExactTurnsContainBackToStopAndKeepsOcsIgnore() {
        assertEquals(InvalidReferenceMode.STOP, options(InvalidReferenceMode.CONTAIN).ocExact().invalidRefs());
        assertEquals(InvalidReferenceMode.IGNORE, options(InvalidReferenceMode.IGNORE).ocExact().invalidRefs());
        graph.putReferrer(build("shop", "b", HOST + "/shop/web@sha256:abc"));
        assertTrue(Planner.of(graph, options(InvalidReferenceMode.CONTAIN).ocExact()).refuses());
    }

    @Test
    void anInvalidIdentityIsLeftAloneAndListedInContainMode() {
        graph.putStream(new ImageStream("Bad NS", "app", OLD, "", List.of(tag(digest("8"), digest("7")))));
        graph.putImage(image(digest("8")));
        graph.putImage(image(digest("7")));
        assertTrue(Planner.of(graph, options(InvalidReferenceMode.STOP)).refuses());

        Planner contain = Planner.of(graph, options(InvalidReferenceMode.CONTAIN));
        assertFalse(contain.refuses());
        PruneResult result = PruneExecutor.dryRun(contain);
        assertEquals(Set.of("shop/web", "shop/api", "other/db"), repos(result));
        assertFalse(result.imageDeletions().contains(digest("7")), "the stream is left alone with its images");
        List<InvalidReferenceContainment.Contained> listed = contain.containment().contained();
        assertEquals(1, listed.size());
        assertEquals("ImageStream Bad NS/app", listed.get(0).holder());
    }

    @Test
    void nothingIsContainedOutsideContainMode() {
        graph.putReferrer(build("shop", "b", HOST + "/shop/web@sha256:abc"));
        assertTrue(InvalidReferenceContainment.of(graph, options(InvalidReferenceMode.IGNORE)).isEmpty());
        assertTrue(InvalidReferenceContainment.of(graph, options(InvalidReferenceMode.STOP)).isEmpty());
        assertEquals(1, InvalidReferenceContainment.of(graph, options(InvalidReferenceMode.CONTAIN)).contained()
                .size());
    }

    // ------------------------------------------------------------------------------------------------ cluster

    private static ReferenceGraph cluster() {
        ReferenceGraph graph = new ReferenceGraph();
        for (String repo : REPOS) {
            List<String> images = new ArrayList<>();
            for (int rev = 0; rev < 3; rev++) {
                images.add(image(repo, rev));
                graph.putImage(image(image(repo, rev)));
            }
            String[] parts = repo.split("/");
            graph.putStream(new ImageStream(parts[0], parts[1], OLD, "", List.of(tag(images.toArray(String[]::new)))));
        }
        graph.putImage(image(LOOSE));
        graph.putImage(image(LOOSE_OTHER));
        return graph;
    }

    private static Tag tag(String... images) {
        List<TagEvent> items = new ArrayList<>();
        for (int i = 0; i < images.length; i++) {
            items.add(new TagEvent(images[i], OLD.minusSeconds(60L * i)));
        }
        return new Tag("latest", items);
    }

    /** The image of a stream's revision: distinct digests that start with no hex fragment of the tests. */
    private static String image(String repo, int revision) {
        return digest("a" + (REPOS.indexOf(repo) * 3 + revision));
    }

    private static final List<String> REPOS = List.of("shop/web", "shop/api", "other/db");

    private static Image image(String name) {
        return new Image(name, OLD, true, Image.MANIFEST_SCHEMA2, List.of(new Layer(name.replace("sha256:",
                "sha256:e"), 10)), true, "", 10, List.of(), "");
    }

    private static PruneOptions options(InvalidReferenceMode mode) {
        return PruneOptions.library(NOW, Duration.ofMinutes(60), 1, null, null, null, "", false, true)
                .withInvalidRefs(mode);
    }

    private static Referrer build(String namespace, String name, String dockerImage) {
        return new Referrer(ReferrerKind.BUILD, namespace, name, OLD, "", List.of(),
                new BuildSource("DockerImage", "", dockerImage));
    }

    private static Referrer pod(String namespace, String name, String image) {
        return new Referrer(ReferrerKind.POD, namespace, name, OLD, "Running",
                List.of(new Container("main", false, image)), null);
    }

    private static Set<String> repos(PruneResult result) {
        Set<String> repos = new TreeSet<>();
        result.streamUpdates().forEach(plan -> repos.add(plan.repo()));
        return repos;
    }

    private static String digest(String start) {
        return "sha256:" + (start + "f".repeat(64)).substring(0, 64);
    }
}
