package io.imageprune.properties;

import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.imageprune.properties.PlannerPropertiesTest.describe;
import static io.imageprune.properties.PlannerPropertiesTest.forEachSeed;
import static io.imageprune.properties.PlannerPropertiesTest.randomOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the plan document is written from (a dry run whose ledger keeps no action records) is the dry run's result
 * but for those records, on random clusters with random options.
 */
class DryRunWithoutActionRecordsTest {
    @Test
    void theDocumentsInputIsTheDryRunsResult() {
        AtomicInteger withDeletions = new AtomicInteger();
        forEachSeed("dry run without action records", (c, rnd) -> {
            PruneOptions o = randomOptions(c, rnd, rnd.nextBoolean(), "");
            PruneResult full = PruneExecutor.dryRun(Planner.of(c.sharedGraph(), o));
            PruneResult lists = PruneExecutor.dryRunWithoutActionRecords(Planner.of(c.sharedGraph(), o));
            assertEquals(List.of(), lists.actions());
            assertEquals(new PruneResult(full.invalidReferences(), full.refused(), full.streamUpdates(),
                    full.imageDeletions(), full.layerLinkDeletions(), full.manifestLinkDeletions(),
                    full.blobDeletions(), full.failures(), full.stats(), full.bytesReclaimed(), full.warnings(),
                    List.of()), lists, c.summary() + ", " + describe(o));
            if (!full.imageDeletions().isEmpty() && !full.blobDeletions().isEmpty()) {
                withDeletions.incrementAndGet();
            }
        });
        assertTrue(withDeletions.get() > 0, "no random cluster deleted an image and a blob");
    }
}
