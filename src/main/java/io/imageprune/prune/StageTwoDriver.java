package io.imageprune.prune;

import io.imageprune.audit.Intent;
import io.imageprune.cluster.ClusterWrites;
import io.imageprune.execute.DeletionBudget;
import io.imageprune.execute.DeletionCaps;
import io.imageprune.execute.DeletionCounts;
import io.imageprune.execute.ImageStep;
import io.imageprune.execute.Outcome;
import io.imageprune.policy.ImagePlan;
import io.imageprune.policy.ImageStage;
import io.imageprune.policy.Planner;
import io.imageprune.state.LiveGraph;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import java.time.Instant;
import java.util.List;

/**
 * Stage 2 of a run (algorithm §7.2-7.3, safety rules 3 and 4): planned on the graph as it is after stage 1, checked
 * against the per-run caps again, then per image its blobs and its Image object, each re-checked right before it is
 * sent, the image with its blobs taken from the window's budget as a whole. What each outcome means is
 * {@link ImageStep}'s to say.
 */
final class StageTwoDriver {
    private final LiveGraph live;
    private final RunRequests requests;
    private final RunGuard guard;
    private final DeletionCaps caps;
    private final DeletionBudget budget;
    private final boolean registryLeavesBlobsToGc;

    StageTwoDriver(LiveGraph live, RunRequests requests, RunGuard guard, DeletionCaps caps, DeletionBudget budget,
                   boolean registryLeavesBlobsToGc) {
        this.live = live;
        this.requests = requests;
        this.guard = guard;
        this.caps = caps;
        this.budget = budget;
        this.registryLeavesBlobsToGc = registryLeavesBlobsToGc;
    }

    /**
     * Stage 2's plans on the graph as it is now, or none when they exceed the per-run caps. The window's budget is
     * taken here for all of them, before any blob goes: an image deferred later could lose a blob it shares with
     * one deleted earlier.
     */
    List<ImagePlan> plan(PruneRun run, RegistryCalls registry) {
        ImageStage stage = live.read(graph -> Planner.of(graph, run.options)
                .planImages(run.stageOne.overrides(), run.targets.imagesWith(run.stageOne.releasedImages())));
        if (stage.failure() != null) {
            run.ledger.failure(stage.failure());
        }
        // the graph may have changed a lot while stage 1 ran: the caps hold for what stage 2 deletes now
        DeletionCounts counts = DeletionCounts.of(List.of(), stage.plans(), false);
        String tooMany = live.read(graph -> caps.exceeded(counts, graph.imageCount()));
        if (tooMany != null) {
            run.ledger.failure("image deletions refused: " + tooMany);
            return List.of();
        }
        run.imagePlans(stage.plans());
        if (!run.dryRun) {
            boolean sendsBlobs = registry.deletesGlobalBlobs();
            for (ImagePlan plan : stage.plans()) {
                int blobs = plan.blobDeletions().size() + (plan.deleteManifestBlob() ? 1 : 0);
                String deferred = budget.take(Instant.now(), new DeletionCounts(1, 0, 0, sendsBlobs ? blobs : 0));
                if (deferred != null) {
                    run.keep(plan.name(), deferred);
                }
            }
        }
        return stage.plans();
    }

    Uni<Void> image(PruneRun run, RegistryCalls registry, ImagePlan plan) {
        ImageStep step = new ImageStep(plan, run.ledger);
        if (run.dryRun) {
            step.blobs().forEach(d -> {
                if (registryLeavesBlobsToGc) {
                    step.blobLeftForGc(d);
                } else {
                    step.blob(d, Outcome.DONE, null);
                }
            });
            step.image(Outcome.DONE, null);
            return Uni.createFrom().voidItem();
        }
        boolean sendsBlobs = registry.deletesGlobalBlobs();
        DeletionCounts taken = new DeletionCounts(1, 0, 0, sendsBlobs ? step.blobs().size() : 0);
        return RunRequests.onWorker(() -> {
            String deferred = run.deferred(plan.name());
            if (deferred != null) {
                step.image(Outcome.DEFERRED, deferred);
                return false;
            }
            String saved = guard.lastMomentReason(run, check -> check.imageSaved(plan.name(), run.removedByRun()));
            if (saved != null) {
                run.keep(plan.name(), null);
                budget.giveBack(Instant.now(), taken);
                step.image(Outcome.SAVED, saved);
                return false;
            }
            return true;
        }).chain(go -> !go ? Uni.createFrom().voidItem() : Multi.createFrom().iterable(step.blobs())
                .onItem().transformToUniAndConcatenate(digest -> blob(run, registry, step, digest))
                .collect().last()
                .chain(() -> RunRequests.onWorker(() -> deleteImage(run, step))));
    }

    private Uni<Void> blob(PruneRun run, RegistryCalls registry, ImageStep step, String digest) {
        if (!registry.deletesGlobalBlobs()) {
            step.blobLeftForGc(digest);
            return Uni.createFrom().voidItem();
        }
        return requests.registryDelete(run, check -> check.blobSaved(digest, run.holders(digest), run.removedByRun()),
                "blob", Intent.blob(digest), () -> registry.deleteBlob(digest), registry, (outcome, error) -> {
                    if (!outcome.attempted()) {
                        budget.giveBack(Instant.now(), DeletionCounts.BLOB);
                    }
                    step.blob(digest, outcome, error);
                });
    }

    private Void deleteImage(PruneRun run, ImageStep step) {
        if (!step.mayDeleteImage()) {
            // every blob deletion failed: the image stays for a later run (algorithm §7.3)
            run.keep(step.name(), null);
            budget.giveBack(Instant.now(), DeletionCounts.IMAGE);
            return null;
        }
        String saved = guard.lastMomentReason(run, check -> check.imageSaved(step.name(), run.removedByRun()));
        if (saved != null) {
            run.keep(step.name(), null);
            budget.giveBack(Instant.now(), DeletionCounts.IMAGE);
            step.image(Outcome.SAVED, saved);
            return null;
        }
        try {
            boolean deleted = requests.deleteImage(run, step.name(),
                    () -> guard.lastMomentReason(run, check -> check.imageSaved(step.name(), run.removedByRun())));
            step.image(deleted ? Outcome.DONE : Outcome.ALREADY_GONE, null);
        } catch (RunRequests.NotSent e) {
            run.keep(step.name(), null);
            budget.giveBack(Instant.now(), DeletionCounts.IMAGE);
            step.image(Outcome.SAVED, e.getMessage());
        } catch (RuntimeException e) {
            step.image(Outcome.FAILED, ClusterWrites.failureText(e));
        }
        return null;
    }
}
