package io.imageprune.policy;

import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.NamespaceScope;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oc's namespace mode generalised to the set of namespaces a graph covers: only the streams of those namespaces lose
 * revisions, stage 2 is skipped (an image used only outside them looks unreferenced), and an unknown scope prunes
 * nothing. The graph: streams a/web, b/web and c/web each hold a new and an old revision; ORPHAN is in no stream.
 */
class GraphScopePlanningTest {
    private static final Instant NOW = Instant.parse("2025-01-15T12:00:00Z");
    private static final Instant OLD = NOW.minus(Duration.ofDays(10));
    private static final String ORPHAN = digest('0');

    @Test
    void aGraphOfTwoNamespacesPrunesOnlyTheirStreamsAndNoImage() {
        PruneResult result = dryRun(NamespaceScope.of("scope", List.of("b", "a")), "");

        assertEquals(Set.of("a/web", "b/web"), repos(result));
        assertEquals(List.of(), result.imageDeletions(), "stage 2 is skipped: ORPHAN may run outside a and b");
        assertEquals(List.of(), result.blobDeletions());
        assertEquals(List.of("stage 2 skipped: the graph covers namespaces a, b only; no image or blob is deleted "
                + "and only image streams there are pruned"), result.warnings());
        assertTrue(Planner.of(graph(), options("").onGraphOf(NamespaceScope.of("scope", List.of("a"))))
                .planImages(java.util.Map.of()).skipped());
    }

    @Test
    void theWholeClusterPrunesEveryStreamAndTheUnreferencedImages() {
        PruneResult result = dryRun(NamespaceScope.ALL, "");

        assertEquals(Set.of("a/web", "b/web", "c/web"), repos(result));
        assertTrue(result.imageDeletions().contains(ORPHAN), result.imageDeletions().toString());
        assertEquals(List.of(), result.warnings());
        assertNull(options("").graphScopeLimit());
    }

    @Test
    void anUnknownScopePrunesNothing() {
        PruneResult result = dryRun(NamespaceScope.UNKNOWN, "");

        assertEquals(Set.of(), repos(result));
        assertEquals(List.of(), result.imageDeletions());
        assertTrue(result.warnings().get(0).startsWith("stage 2 skipped and no image stream pruned"),
                result.warnings().toString());
    }

    @Test
    void aNamespacedRunOnAPartialGraphPrunesItsNamespaceOnlyWhenTheGraphCoversIt() {
        NamespaceScope ab = NamespaceScope.of("scope", List.of("a", "b"));
        assertEquals(Set.of("b/web"), repos(dryRun(ab, "b")));
        assertEquals(Set.of(), repos(dryRun(ab, "c")), "c is not refreshed by the ingest any more: stale is unsafe");
    }

    @Test
    void aNamespacedRunOnAWholeGraphIsOcsNamespaceMode() {
        PruneResult namespaced = dryRun(NamespaceScope.ALL, "c");
        assertEquals(Set.of("c/web"), repos(namespaced));
        assertEquals(List.of(), namespaced.imageDeletions());
        assertEquals(List.of(), namespaced.warnings(), "oc prints nothing about stage 2 in namespace mode");
    }

    @Test
    void theExplanationOfAnImageSaysWhyStageTwoDoesNotDecideIt() {
        NamespaceScope a = NamespaceScope.of("scope", List.of("a"));
        ImageExplanation explanation = new Explainer(graph(), options("").onGraphOf(a)).explain(ORPHAN);
        assertEquals(ImageExplanation.Stage2.NAMESPACED, explanation.stage2());
        assertEquals(PartialGraph.limit(a), explanation.reason());
    }

    // ------------------------------------------------------------------------------------------------ cluster

    private static PruneResult dryRun(NamespaceScope scope, String namespace) {
        return PruneExecutor.dryRun(Planner.of(graph(), options(namespace).onGraphOf(scope)));
    }

    private static Set<String> repos(PruneResult result) {
        Set<String> repos = new TreeSet<>();
        result.streamUpdates().forEach(plan -> repos.add(plan.repo()));
        return repos;
    }

    private static ReferenceGraph graph() {
        ReferenceGraph graph = new ReferenceGraph();
        graph.putImage(image(ORPHAN));
        char next = '1';
        for (String namespace : List.of("a", "b", "c")) {
            String kept = digest(next++);
            String old = digest(next++);
            graph.putImage(image(kept));
            graph.putImage(image(old));
            graph.putStream(new ImageStream(namespace, "web", OLD, "", List.of(new Tag("latest", List.of(
                    new TagEvent(kept, OLD), new TagEvent(old, OLD.minusSeconds(60)))))));
        }
        return graph;
    }

    private static PruneOptions options(String namespace) {
        return PruneOptions.library(NOW, Duration.ZERO, 1, false, true, true, namespace, false, true);
    }

    private static Image image(String name) {
        // its own layer: the name with the last hex digit changed
        return new Image(name, OLD, true, Image.MANIFEST_SCHEMA2, List.of(new Layer(name.substring(0, 70) + "f", 10)),
                true, "", 10, List.of(), "");
    }

    private static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }
}
