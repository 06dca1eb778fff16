package io.imageprune.execute;

import io.imageprune.policy.ImagePlan;
import io.imageprune.policy.ImageStage;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.policy.Rule;
import io.imageprune.policy.StreamPlan;
import io.imageprune.policy.StreamStage;


/**
 * Carries out a plan with oc's failure semantics (algorithm §6.4, §7, §10), serially and in plan order, with safety
 * rule 2: a stream's status is written before any of its repository links is deleted, and a stream whose write failed
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
        warnUnreadable(streams, ledger);
        warnGraphScope(planner.options(), ledger);
        StageOne stageOne = new StageOne();
        for (StreamPlan plan : streams.plans()) {
            stream(new StreamStep(plan, pruneRegistry, ledger, stageOne));
        }
        ImageStage images = planner.planImages(stageOne.overrides());
        if (images.failure() != null) {
            ledger.failure(images.failure());
        }
        for (ImagePlan plan : images.plans()) {
            image(new ImageStep(plan, ledger));
        }
        return ledger.result(planner.invalidReferences(), false);
    }

    /** Streams left alone on purpose because their images' metadata cannot be read: a warning, as oc prints. */
    public static void warnUnreadable(StreamStage streams, RunLedger ledger) {
        streams.untouched().forEach((repo, rule) -> {
            if (rule == Rule.UNREADABLE_STREAM) {
                ledger.warning("imagestream " + repo + ": " + rule.description());
            }
        });
    }

    /** A run on a graph of some namespaces only says what it leaves out and why (the stage 2 it skips). */
    public static void warnGraphScope(PruneOptions options, RunLedger ledger) {
        String limit = options.graphScopeLimit();
        if (limit != null) {
            ledger.warning(limit);
        }
    }

    private void stream(StreamStep step) {
        StreamPlan plan = step.planned();
        try {
            cluster.updateStreamStatus(plan);
            step.written(plan);
        } catch (NotFoundException gone) {
            step.gone();
        } catch (Exception e) {
            step.failed(message(e));
        }
        for (String blob : step.layerLinks()) {
            Call call = () -> registry.deleteLayerLink(step.repo(), blob);
            String error = call.failure();
            step.layerLink(blob, error == null ? Outcome.DONE : Outcome.FAILED, error);
        }
        for (String manifest : step.manifestLinks()) {
            Call call = () -> registry.deleteManifestLink(step.repo(), manifest);
            String error = call.failure();
            step.manifestLink(manifest, error == null ? Outcome.DONE : Outcome.FAILED, error);
        }
    }

    private void image(ImageStep step) {
        for (String digest : step.blobs()) {
            Call call = () -> registry.deleteBlob(digest);
            String error = call.failure();
            step.blob(digest, error == null ? Outcome.DONE : Outcome.FAILED, error);
        }
        if (!step.mayDeleteImage()) {
            return;
        }
        try {
            cluster.deleteImage(step.name());
            step.image(Outcome.DONE, null);
        } catch (NotFoundException gone) {
            step.image(Outcome.ALREADY_GONE, null);
        } catch (Exception e) {
            step.image(Outcome.FAILED, message(e));
        }
    }

    /** A registry deletion; "already gone" is the deleter's success. */
    @FunctionalInterface
    private interface Call {
        void run() throws Exception;

        /** Makes the call: null when it succeeded, else oc's failure text. */
        default String failure() {
            try {
                run();
                return null;
            } catch (Exception e) {
                return message(e);
            }
        }
    }

    /** The text oc records for a failure: the error's message. */
    public static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
