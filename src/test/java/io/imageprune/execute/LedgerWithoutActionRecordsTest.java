package io.imageprune.execute;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.policy.ImagePlan;
import io.imageprune.policy.RemovedRevision;
import io.imageprune.policy.Rule;
import io.imageprune.policy.StreamPlan;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A ledger without action records (what the plan document is decided with) keeps everything else a ledger keeps:
 * oc's failure texts, the lists of attempted deletions, the statistics and the bytes, for every outcome.
 */
class LedgerWithoutActionRecordsTest {
    private static final String IMAGE = "sha256:" + "a".repeat(64);
    private static final String LAYER = "sha256:" + "b".repeat(64);
    private static final String CONFIG = "sha256:" + "c".repeat(64);

    @Test
    void everyOutcomeIsKeptButTheRecords() {
        for (Outcome outcome : Outcome.values()) {
            Consumer<RunLedger> actions = ledger -> {
                ImageStream listed = new ImageStream("ns", "app", Instant.EPOCH, "", List.of());
                StreamPlan stream = new StreamPlan(listed, listed,
                        List.of(new RemovedRevision("latest", 1, IMAGE, Rule.OLD_REVISION)), List.of(),
                        List.of(LAYER), List.of(IMAGE));
                Image image = new Image(IMAGE, Instant.EPOCH, true, Image.MANIFEST_SCHEMA2,
                        List.of(new Layer(LAYER, 7)), true, CONFIG, 10, List.of(), "");
                ImagePlan plan = new ImagePlan(image, Rule.UNREFERENCED_IMAGE, List.of(LAYER, CONFIG), true);
                String error = outcome == Outcome.DONE ? null : "refused by the registry";
                ledger.stream(stream, outcome, error);
                ledger.layerLink("ns/app", LAYER, outcome, error);
                ledger.manifestLink("ns/app", IMAGE, outcome, error);
                ledger.blob(plan, LAYER, outcome, error);
                ledger.blob(plan, CONFIG, outcome, error);
                ledger.blob(plan, IMAGE, outcome, error);
                ledger.image(plan, outcome, error);
                ledger.failure("stage 2 stopped");
                ledger.warning("left alone");
            };
            RunLedger recording = new RunLedger();
            actions.accept(recording);
            RunLedger withoutRecords = RunLedger.withoutActionRecords();
            actions.accept(withoutRecords);

            PruneResult recorded = recording.result(List.of("bad ref"), false);
            PruneResult unrecorded = withoutRecords.result(List.of("bad ref"), false);
            assertEquals(7, recorded.actions().size(), outcome.name());
            assertEquals(List.of(), unrecorded.actions(), outcome.name());
            assertEquals(withActionsCleared(recorded), unrecorded, outcome.name());
            if (outcome == Outcome.FAILED) {
                assertEquals(7 + 1, unrecorded.failures().size(), "each failed action and the stage-2 failure");
            }
            if (outcome == Outcome.DONE) {
                assertNotEquals(0, unrecorded.stats().deletedBlobs());
                assertEquals(7, unrecorded.bytesReclaimed(), "the layer's size, not the config's");
            }
        }
    }

    static PruneResult withActionsCleared(PruneResult r) {
        return new PruneResult(r.invalidReferences(), r.refused(), r.streamUpdates(), r.imageDeletions(),
                r.layerLinkDeletions(), r.manifestLinkDeletions(), r.blobDeletions(), r.failures(), r.stats(),
                r.bytesReclaimed(), r.warnings(), List.of());
    }
}
