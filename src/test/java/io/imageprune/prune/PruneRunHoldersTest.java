package io.imageprune.prune;

import io.imageprune.model.Image;
import io.imageprune.model.Layer;
import io.imageprune.policy.ImagePlan;
import io.imageprune.policy.PruneOptions;
import io.imageprune.policy.Rule;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The blob holders a run's last-moment check counts as "going with the run": an image the run keeps after all
 * (deferred by the window, saved at the last moment, all its blob deletions failed) holds its blobs like an image
 * outside the run, so that a sibling deleted in the same run does not take a blob it shares.
 */
class PruneRunHoldersTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final String SHARED = "sha256:" + "aa".repeat(32);

    private static Image image(String name, String... layers) {
        return new Image(name, NOW, true, Image.MANIFEST_SCHEMA2,
                java.util.Arrays.stream(layers).map(l -> new Layer(l, 10)).toList(), true, "", 10, List.of(), "");
    }

    @Test
    void anImageTheRunKeepsNoLongerCountsAsGoingWithIt() {
        Image first = image("sha256:" + "01".repeat(32), SHARED, "sha256:" + "02".repeat(32));
        Image second = image("sha256:" + "03".repeat(32), SHARED);
        PruneRun run = new PruneRun("r", RunTrigger.API, false, RunTargets.ALL,
                PruneOptions.library(NOW, null, null, null, null, null, null, false, true), NOW);
        run.imagePlans(List.of(new ImagePlan(first, Rule.UNREFERENCED_IMAGE, List.of(SHARED), true),
                new ImagePlan(second, Rule.UNREFERENCED_IMAGE, List.of(), true)));
        assertEquals(List.of(first, second), run.holders(SHARED), "both planned images go with the run");

        run.keep(second.name(), "the budget of 1 image deletions per PT1H is spent");

        assertEquals(List.of(first), run.holders(SHARED), "the deferred image holds the shared layer");
        assertEquals("the budget of 1 image deletions per PT1H is spent", run.deferred(second.name()));
        run.keep(first.name(), null);
        assertEquals(List.of(), run.holders(SHARED));
        assertNull(run.deferred(first.name()), "saved, not deferred");
    }
}
