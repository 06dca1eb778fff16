package io.imageprune.policy;

import io.imageprune.execute.LinkDeletion;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Container;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.reference.Identities;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An image or stream whose identity must not reach a URL is an object with an invalid reference: planning refuses by
 * default, naming the object, the field and the value; with ignore-invalid-refs it is planned around, kept with
 * everything it names, and nothing unsafe is planned.
 */
class UnsafeIdentityPlanningTest {
    private static final Instant NOW = Instant.parse("2025-01-15T12:00:00Z");
    private static final Instant OLD = NOW.minus(Duration.ofDays(10));

    private static final String KEPT = digest('a');
    private static final String SAFE_OLD = digest('b');
    private static final String EVIL = digest('c');
    private static final String ORPHAN = digest('d');
    private static final String LIST = digest('e');
    private static final String CHILD = digest('f');
    private static final String OTHER_NS_IMAGE = digest('9');
    private static final String BASE = digest('1');
    private static final String KEPT_OWN = digest('2');
    private static final String SAFE_OWN = digest('3');
    private static final String CHILD_OWN = digest('4');
    private static final String CONFIG_KEPT = digest('5');
    private static final String CONFIG_SAFE = digest('6');
    private static final String CONFIG_EVIL = digest('7');

    /** Named like the kept image's base layer: a registry routing on the path would unlink / delete that layer. */
    private static final String EVIL_QUERY = BASE + "?evil";
    private static final String EVIL_FRAGMENT = KEPT_OWN + "#x";
    private static final String EVIL_PATH = "sha256:x/../../v2/ns/app/manifests/" + KEPT;
    private static final String EVIL_CHILD = CHILD + "?evil";

    @Test
    void planningIsRefusedByDefaultNamingTheObjectTheFieldAndTheValue() {
        ReferenceGraph graph = cluster();
        graph.putReferrer(pod("ns", "broken", "Not A Valid Reference"));
        Planner planner = Planner.of(graph, options(false, ""));

        assertTrue(planner.refuses());
        List<String> errors = planner.invalidReferences();
        assertEquals(6, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("pod/broken namespace=ns: container main: invalid image reference"),
                "oc's own invalid references first, in oc's order: " + errors);
        assertEquals(List.of(
                "images/" + EVIL + ": dockerImageLayers[0].name: invalid digest \"" + EVIL_QUERY + "\": "
                        + "a digest sent to the registry must be one URL path segment matching "
                        + "[A-Za-z0-9][A-Za-z0-9+._:=-]* without \"..\"",
                "images/" + ORPHAN + ": dockerImageLayers[0].name: invalid digest \"" + EVIL_FRAGMENT + "\": "
                        + "a digest sent to the registry must be one URL path segment matching "
                        + "[A-Za-z0-9][A-Za-z0-9+._:=-]* without \"..\"",
                "images/" + ORPHAN + ": dockerImageLayers[1].name: invalid digest \"" + EVIL_PATH + "\": "
                        + "a digest sent to the registry must be one URL path segment matching "
                        + "[A-Za-z0-9][A-Za-z0-9+._:=-]* without \"..\"",
                "images/" + LIST + ": dockerImageManifests[0].digest: invalid digest \"" + EVIL_CHILD + "\": "
                        + "a digest sent to the registry must be one URL path segment matching "
                        + "[A-Za-z0-9][A-Za-z0-9+._:=-]* without \"..\""), errors.subList(1, 5));
        assertTrue(errors.get(5).startsWith("imagestreams/app namespace=\"Bad NS\": metadata.namespace: "
                + "invalid namespace \"Bad NS\""), errors.get(5));
        assertTrue(planner.refusalMessage().contains(EVIL_QUERY), planner.refusalMessage());

        PruneResult result = PruneExecutor.dryRun(planner);
        assertTrue(result.refused());
        assertEquals(errors, result.invalidReferences());
        assertTrue(result.actions().isEmpty(), "a refused plan does nothing: " + result.actions());
    }

    @Test
    void withIgnoreInvalidRefsTheyAndEverythingTheyNameAreKept() {
        ReferenceGraph graph = cluster();
        Planner planner = Planner.of(graph, options(true, ""));
        assertFalse(planner.refuses());

        PruneResult result = PruneExecutor.dryRun(planner);

        assertEquals(List.of(SAFE_OLD), result.imageDeletions(), "only the safe old image goes");
        assertEquals(List.of(new LinkDeletion("ns/app", SAFE_OWN), new LinkDeletion("ns/app", CONFIG_SAFE)),
                result.layerLinkDeletions());
        assertEquals(List.of(new LinkDeletion("ns/app", SAFE_OLD)), result.manifestLinkDeletions());
        assertEquals(Set.of(SAFE_OWN, CONFIG_SAFE, SAFE_OLD), Set.copyOf(result.blobDeletions()));
        List<String> planned = new ArrayList<>(result.blobDeletions());
        result.layerLinkDeletions().forEach(l -> planned.add(l.digest()));
        result.manifestLinkDeletions().forEach(l -> planned.add(l.digest()));
        planned.forEach(d -> assertTrue(Identities.safeDigest(d), "only safe digests are planned: " + d));
        assertEquals(1, result.streamUpdates().size());
        assertEquals(List.of(SAFE_OLD), result.streamUpdates().get(0).removedRevisions().stream()
                .map(RemovedRevision::image).toList(), "the unsafe image's revision stays, with its links");

        assertEquals(Rule.UNSAFE_IMAGE, planner.revisionRule("ns/app", "latest", 2));
        assertEquals(Rule.UNSAFE_STREAM, planner.planStreams().untouched().get("Bad NS/app"));
        Map<String, Rule> rules = planner.imageRules(Map.of(), Set.of(EVIL, ORPHAN, LIST, CHILD, OTHER_NS_IMAGE));
        assertEquals(Map.of(EVIL, Rule.UNSAFE_IMAGE, ORPHAN, Rule.UNSAFE_IMAGE, LIST, Rule.UNSAFE_IMAGE,
                CHILD, Rule.NAMED_BY_UNSAFE_IMAGE, OTHER_NS_IMAGE, Rule.IMAGE_IN_STREAM), rules);

        ImageExplanation explained = new Explainer(graph, options(true, "")).explain(ORPHAN);
        assertEquals(ImageExplanation.Verdict.KEPT, explained.verdict());
        assertEquals(Rule.UNSAFE_IMAGE, explained.rule());
    }

    @Test
    void withoutTheUnsafeObjectsTheSamePlanDeletesWhatTheyHeld() {
        // the rule must be what keeps them: the same cluster with the images made safe plans their deletion
        ReferenceGraph graph = cluster();
        graph.putImage(image(EVIL, OLD, List.of(BASE, KEPT_OWN), CONFIG_EVIL));
        graph.putImage(image(ORPHAN, OLD, List.of(CHILD_OWN), ""));
        graph.removeImage(LIST);
        graph.removeStream("Bad NS", "app");
        Planner planner = Planner.of(graph, options(false, ""));
        assertFalse(planner.refuses(), planner.invalidReferences().toString());
        assertEquals(Set.of(SAFE_OLD, EVIL, ORPHAN, CHILD, OTHER_NS_IMAGE),
                Set.copyOf(PruneExecutor.dryRun(planner).imageDeletions()));
        assertEquals(0, graph.unsafeIdentityCount());
    }

    @Test
    void aNamespacedRunReportsItsOwnStreamsAndEveryImage() {
        Planner planner = Planner.of(cluster(), options(false, "ns"));
        assertTrue(planner.refuses());
        assertEquals(4, planner.invalidReferences().size(), "images are cluster-scoped, the other stream is not: "
                + planner.invalidReferences());
        assertTrue(planner.invalidReferences().stream().noneMatch(e -> e.startsWith("imagestreams/")));
    }

    @Test
    void anImageThatBecameUnsafeAfterPlanningIsSavedAtTheLastMoment() {
        ReferenceGraph graph = cluster();
        String late = digest('0');
        graph.putImage(image(late, OLD, List.of(BASE), ""));
        Planner planner = Planner.of(graph, options(true, ""));
        assertNull(planner.lastMomentCheck().imageSaved(late, Map.of()));
        graph.putImage(image(late, OLD, List.of(BASE + "?late"), ""));
        assertEquals("the image now names a digest that is not safe in a URL",
                planner.lastMomentCheck().imageSaved(late, Map.of()));
        assertEquals("manifest list " + LIST + " holding it is in use: the image now names a digest that is not "
                + "safe in a URL", planner.lastMomentCheck().imageSaved(CHILD, Map.of()));
    }

    // ------------------------------------------------------------------------------------------------ cluster

    /**
     * ns/app keeps its newest revision (KEPT) and loses the two old ones: SAFE_OLD and EVIL, whose layer is named like
     * KEPT's base layer with a query. ORPHAN (no stream) names KEPT's own layer with a fragment and a path; LIST is a
     * manifest list with a hostile child and a safe one (CHILD); a stream in an invalid namespace holds OTHER_NS_IMAGE.
     */
    private static ReferenceGraph cluster() {
        ReferenceGraph graph = new ReferenceGraph();
        graph.putImage(image(KEPT, OLD, List.of(BASE, KEPT_OWN), CONFIG_KEPT));
        graph.putImage(image(SAFE_OLD, OLD, List.of(BASE, SAFE_OWN), CONFIG_SAFE));
        graph.putImage(image(EVIL, OLD, List.of(EVIL_QUERY, KEPT_OWN), CONFIG_EVIL));
        graph.putImage(image(ORPHAN, OLD, List.of(EVIL_FRAGMENT, EVIL_PATH), ""));
        graph.putImage(new Image(LIST, OLD, true, Image.MANIFEST_LIST, List.of(), false, "", 0,
                List.of(EVIL_CHILD, CHILD), ""));
        graph.putImage(image(CHILD, OLD, List.of(CHILD_OWN), ""));
        graph.putImage(image(OTHER_NS_IMAGE, OLD, List.of(digest('8')), ""));
        graph.putStream(new ImageStream("ns", "app", OLD, "", List.of(new Tag("latest", List.of(
                new TagEvent(KEPT, OLD), new TagEvent(SAFE_OLD, OLD.minusSeconds(60)),
                new TagEvent(EVIL, OLD.minusSeconds(120)))))));
        graph.putStream(new ImageStream("Bad NS", "app", OLD, "", List.of(new Tag("latest", List.of(
                new TagEvent(OTHER_NS_IMAGE, OLD), new TagEvent(OTHER_NS_IMAGE, OLD.minusSeconds(60)))))));
        return graph;
    }

    private static PruneOptions options(boolean ignoreInvalidRefs, String namespace) {
        return PruneOptions.library(NOW, Duration.ZERO, 1, false, true, true, namespace, ignoreInvalidRefs, true);
    }

    private static Image image(String name, Instant created, List<String> layers, String config) {
        return new Image(name, created, true, Image.MANIFEST_SCHEMA2, layers.stream().map(l -> new Layer(l, 10))
                .toList(), true, config, 10L * layers.size(), List.of(), "");
    }

    private static Referrer pod(String namespace, String name, String image) {
        return new Referrer(ReferrerKind.POD, namespace, name, OLD, "Running",
                List.of(new Container("main", false, image)), null);
    }

    private static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }
}
