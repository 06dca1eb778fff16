package io.imageprune.execute;

import io.imageprune.model.ImageStream;
import io.imageprune.policy.ImagePlan;
import io.imageprune.policy.ImageStage;
import io.imageprune.policy.Planner;
import io.imageprune.policy.Rule;
import io.imageprune.policy.StreamPlan;
import io.imageprune.policy.StreamStage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Carries out a plan with oc's failure semantics (spec §6.4, §7, §10), serially and in plan order, with safety rule
 * 2: a stream's status is written before any of its repository links is deleted, and a stream whose write failed
 * stays as listed, protecting its images in stage 2.
 */
public final class PruneExecutor {
    private final RegistryDeleter registry;
    private final ClusterWriter cluster;

    public PruneExecutor(RegistryDeleter registry, ClusterWriter cluster) {
        this.registry = registry;
        this.cluster = cluster;
    }

    /** A dry run: nothing is changed and every action counts as done. */
    public static PruneResult dryRun(Planner planner) {
        DryRun dryRun = new DryRun();
        return new PruneExecutor(dryRun, dryRun).run(planner);
    }

    public PruneResult run(Planner planner) {
        return run(planner, new RunLedger());
    }

    /** Runs the plan, recording every action in the given ledger as its outcome becomes known. */
    public PruneResult run(Planner planner, RunLedger ledger) {
        if (planner.refuses()) {
            return ledger.result(planner.invalidReferences(), true);
        }
        boolean pruneRegistry = planner.options().pruneRegistry();
        StreamStage streams = planner.planStreams();
        streams.untouched().forEach((repo, rule) -> {
            if (rule == Rule.UNREADABLE_STREAM) {
                ledger.warning("imagestream " + repo + ": " + rule.description());
            }
        });
        Map<String, ImageStream> afterStage1 = new HashMap<>();
        for (StreamPlan plan : streams.plans()) {
            stream(plan, pruneRegistry, afterStage1, ledger);
        }
        ImageStage images = planner.planImages(afterStage1);
        if (images.failure() != null) {
            ledger.failure(images.failure());
        }
        for (ImagePlan plan : images.plans()) {
            image(plan, ledger);
        }
        return ledger.result(planner.invalidReferences(), false);
    }

    private void stream(StreamPlan plan, boolean pruneRegistry, Map<String, ImageStream> afterStage1,
                        RunLedger ledger) {
        try {
            cluster.updateStreamStatus(plan);
        } catch (NotFoundException gone) {
            afterStage1.put(plan.repo(), null);
            ledger.stream(plan, Outcome.ALREADY_GONE, null);
            return;
        } catch (Exception e) {
            ledger.stream(plan, Outcome.FAILED, message(e));
            return;
        }
        afterStage1.put(plan.repo(), plan.pruned());
        ledger.stream(plan, Outcome.DONE, null);
        if (!pruneRegistry) {
            return;
        }
        for (String blob : plan.layerLinkDeletions()) {
            try {
                registry.deleteLayerLink(plan.repo(), blob);
                ledger.layerLink(plan.repo(), blob, Outcome.DONE, null);
            } catch (Exception e) {
                ledger.layerLink(plan.repo(), blob, Outcome.FAILED, message(e));
            }
        }
        for (String manifest : plan.manifestLinkDeletions()) {
            try {
                registry.deleteManifestLink(plan.repo(), manifest);
                ledger.manifestLink(plan.repo(), manifest, Outcome.DONE, null);
            } catch (Exception e) {
                ledger.manifestLink(plan.repo(), manifest, Outcome.FAILED, message(e));
            }
        }
    }

    private void image(ImagePlan plan, RunLedger ledger) {
        boolean anyDeleted = false;
        boolean anyFailed = false;
        List<String> digests = new ArrayList<>(plan.blobDeletions());
        if (plan.deleteManifestBlob()) {
            digests.add(plan.name());
        }
        for (String digest : digests) {
            try {
                registry.deleteBlob(digest);
                ledger.blob(plan, digest, Outcome.DONE, null);
                anyDeleted = true;
            } catch (Exception e) {
                ledger.blob(plan, digest, Outcome.FAILED, message(e));
                anyFailed = true;
            }
        }
        if (anyFailed && !anyDeleted) {
            return;
        }
        try {
            cluster.deleteImage(plan.name());
            ledger.image(plan, Outcome.DONE, null);
        } catch (NotFoundException gone) {
            ledger.image(plan, Outcome.ALREADY_GONE, null);
        } catch (Exception e) {
            ledger.image(plan, Outcome.FAILED, message(e));
        }
    }

    /** The text oc records for a failure: the error's message. */
    public static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
