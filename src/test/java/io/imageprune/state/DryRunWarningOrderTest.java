package io.imageprune.state;

import io.imageprune.execute.PruneExecutor;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.model.Times;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The "left alone" warnings of a dry run come in repository order, the same in every JVM. A side finding of {@link
 * GraphEquivalenceTest}, outside its claim (two graphs in one JVM always agree): {@code StreamStage} once kept the
 * untouched streams in {@code Map.copyOf(...)}, whose iteration order depends on a per-JVM random salt, so the same
 * snapshot printed these warnings in a different order from one run of the CLI to the next. It now keeps them sorted;
 * with twelve streams, an order left to the salt would pass in about 1 of 12! JVM starts.
 */
class DryRunWarningOrderTest {

    @Test
    void unreadableStreamWarningsComeInRepositoryOrder() {
        ReferenceGraph g = new ReferenceGraph();
        String digest = "sha256:" + "a".repeat(64);
        // a non-index image without metadata: every stream naming it is left alone with a warning
        g.putImage(new Image(digest, Times.ZERO, true, Image.MANIFEST_SCHEMA2, List.of(), false, "", 0, List.of(), ""));
        List<String> expected = new ArrayList<>();
        for (int i = 10; i < 22; i++) {
            String name = "s" + i;
            g.putStream(new ImageStream("ns", name, Times.ZERO, "", List.of(
                    new Tag("latest", List.of(new TagEvent(digest, Times.ZERO))))));
            expected.add("imagestream ns/" + name
                    + ": an image of the stream has no readable metadata, so the stream is left alone");
        }
        PruneOptions options = PruneOptions.library(ClusterHistory.NOW, null, null, null, null, null, "", true, true);
        assertEquals(expected, PruneExecutor.dryRun(Planner.of(g, options)).warnings(),
                "warnings of unreadable streams should come in repository order, the same in every run");
    }
}
