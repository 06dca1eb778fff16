package io.imageprune.properties;

import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.policy.Explainer;
import io.imageprune.policy.ImageExplanation;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.policy.RemovedRevision;
import io.imageprune.policy.StreamPlan;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static io.imageprune.properties.PlannerPropertiesTest.describe;
import static io.imageprune.properties.PlannerPropertiesTest.forEachSeed;
import static io.imageprune.properties.PlannerPropertiesTest.randomOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The explanation of every image agrees with the dry-run plan of the same options, over {@link RandomCluster}s. */
class ExplainerPropertiesTest {

    @Test
    void explanationsAgreeWithTheDryRun() {
        int[] prunableSeen = {0};
        int[] removedSeen = {0};
        forEachSeed("explain = dry run", (c, rnd) -> {
            String ns = rnd.nextInt(5) == 0 ? c.namespaces.get(rnd.nextInt(c.namespaces.size())) : "";
            PruneOptions o = randomOptions(c, rnd, rnd.nextBoolean(), ns);
            ReferenceGraph g = c.sharedGraph();
            String ctx = c.summary() + ", " + describe(o);
            PruneResult plan = PruneExecutor.dryRun(Planner.of(g, o));

            Set<String> planRemoved = new TreeSet<>();
            for (StreamPlan stream : plan.streamUpdates()) {
                for (RemovedRevision r : stream.removedRevisions()) {
                    planRemoved.add(stream.repo() + ":" + r.tag() + "#" + r.index());
                }
            }
            // dangling revisions name images the graph lacks; they are explained too
            Set<String> names = new TreeSet<>();
            g.images().forEach(image -> names.add(image.name()));
            for (ImageStream stream : g.streams()) {
                for (Tag tag : stream.tags()) {
                    tag.items().stream().map(TagEvent::image).forEach(names::add);
                }
            }

            Explainer explainer = new Explainer(g, o);
            Set<String> explainedRemoved = new TreeSet<>();
            Set<String> prunable = new TreeSet<>();
            for (String name : names) {
                ImageExplanation e = explainer.explain(name);
                if (e.verdict() == ImageExplanation.Verdict.PRUNABLE) {
                    prunable.add(name);
                }
                for (ImageExplanation.Revision r : e.revisions()) {
                    if (r.removed()) {
                        explainedRemoved.add(r.repository() + ":" + r.tag() + "#" + r.index());
                    }
                }
                Image image = g.image(name);
                assertEquals(image == null, e.verdict() == ImageExplanation.Verdict.UNKNOWN_IMAGE, ctx + ": " + name);
            }
            assertEquals(new TreeSet<>(plan.imageDeletions()), prunable, ctx + ": prunable images = deleted images");
            assertEquals(planRemoved, explainedRemoved, ctx + ": removed revisions");
            prunableSeen[0] += prunable.size();
            removedSeen[0] += planRemoved.size();
        });
        assertTrue(prunableSeen[0] > 0 && removedSeen[0] > 0, "vacuous: " + prunableSeen[0]
                + " prunable images and " + removedSeen[0] + " removed revisions explained");
    }
}
