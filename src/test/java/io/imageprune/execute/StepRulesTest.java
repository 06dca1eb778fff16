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
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules every driver of a run follows, whatever calls it makes: safety rule 2 and algorithm §7.3. */
class StepRulesTest {
    private static final String IMAGE = "sha256:" + "a".repeat(64);
    private static final String LAYER = "sha256:" + "b".repeat(64);

    private static StreamPlan streamPlan() {
        ImageStream listed = new ImageStream("ns", "app", Instant.EPOCH, "", List.of());
        return new StreamPlan(listed, listed, List.of(new RemovedRevision("latest", 1, IMAGE, Rule.OLD_REVISION)),
                List.of(), List.of(LAYER), List.of(IMAGE));
    }

    private static ImagePlan imagePlan() {
        Image image = new Image(IMAGE, Instant.EPOCH, true, Image.MANIFEST_SCHEMA2, List.of(new Layer(LAYER, 7)),
                true, "", 7, List.of(), "");
        return new ImagePlan(image, Rule.UNREFERENCED_IMAGE, List.of(LAYER), true);
    }

    @Test
    void linksGoOnlyAfterTheStreamWasWritten() {
        List<Consumer<StreamStep>> endingsWithoutWrite = List.of(s -> s.failed("err"), StreamStep::gone,
                s -> s.notAttempted(Outcome.SAVED, "stop"), s -> s.notAttempted(Outcome.DEFERRED, "budget"));
        for (Consumer<StreamStep> ending : endingsWithoutWrite) {
            StageOne stageOne = new StageOne();
            StreamStep step = new StreamStep(streamPlan(), true, new RunLedger(), stageOne);
            ending.accept(step);
            assertEquals(List.of(), step.layerLinks());
            assertEquals(List.of(), step.manifestLinks());
            assertThrows(IllegalStateException.class, () -> step.layerLink(LAYER, Outcome.DONE, null));
            assertTrue(stageOne.releasedImages().isEmpty(), "stage 2 still sees the stream as listed");
        }
        StageOne stageOne = new StageOne();
        RunLedger ledger = new RunLedger();
        StreamStep step = new StreamStep(streamPlan(), true, ledger, stageOne);
        assertThrows(IllegalStateException.class, () -> step.manifestLink(IMAGE, Outcome.DONE, null), "before");
        step.written(streamPlan());
        assertEquals(List.of(LAYER), step.layerLinks());
        step.layerLink(LAYER, Outcome.FAILED, "err");
        assertEquals(List.of("imagestream ns/app: failed to delete layer link " + LAYER + ": err"),
                ledger.result(List.of(), false).failures());
        assertTrue(stageOne.overrides().containsKey("ns/app"));
        assertEquals(Set.of(IMAGE), stageOne.releasedImages());
        assertThrows(IllegalStateException.class, () -> step.failed("twice"), "one outcome per write");
    }

    @Test
    void aStreamWriteThatFailedStopsItsStreamWithOcsText() {
        RunLedger ledger = new RunLedger();
        StreamStep step = new StreamStep(streamPlan(), true, ledger, new StageOne());
        step.failed("err");
        PruneResult result = ledger.result(List.of(), false);
        assertEquals(List.of("imagestream ns/app: err"), result.failures());
        assertEquals(0, result.stats().updatedImageStreams());
    }

    @Test
    void anImageWhoseBlobDeletionsAllFailedStays() {
        ImageStep allFailed = new ImageStep(imagePlan(), new RunLedger());
        assertEquals(List.of(LAYER, IMAGE), allFailed.blobs(), "layers first, the manifest blob last");
        allFailed.blobs().forEach(d -> allFailed.blob(d, Outcome.FAILED, "err"));
        assertFalse(allFailed.mayDeleteImage());
        assertThrows(IllegalStateException.class, () -> allFailed.image(Outcome.DONE, null));

        ImageStep oneDeleted = new ImageStep(imagePlan(), new RunLedger());
        oneDeleted.blob(LAYER, Outcome.FAILED, "err");
        oneDeleted.blob(IMAGE, Outcome.DONE, null);
        assertTrue(oneDeleted.mayDeleteImage(), "oc: one blob deleted is enough");

        RunLedger ledger = new RunLedger();
        ImageStep leftForGc = new ImageStep(imagePlan(), ledger);
        leftForGc.blobs().forEach(leftForGc::blobLeftForGc);
        assertTrue(leftForGc.mayDeleteImage(), "blobs left to the registry's GC do not keep the image");
        leftForGc.image(Outcome.DONE, null);
        PruneResult result = ledger.result(List.of(), false);
        assertEquals(1, result.stats().deletedImages());
        assertEquals(0, result.stats().deletedBlobs());
    }

    @Test
    void aDeferredImageIsNeitherAttemptedNorCounted() {
        RunLedger ledger = new RunLedger();
        new ImageStep(imagePlan(), ledger).image(Outcome.DEFERRED, "budget");
        PruneResult result = ledger.result(List.of(), false);
        assertEquals(List.of(), result.imageDeletions());
        assertEquals(List.of(), result.failures());
        assertEquals(Outcome.DEFERRED, result.actions().get(0).outcome());
    }
}
