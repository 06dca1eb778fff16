package io.imageprune.execute;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
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
        Run run = new Run(planner.options().pruneRegistry());
        if (planner.refuses()) {
            return run.result(planner.invalidReferences(), true);
        }
        StreamStage streams = planner.planStreams();
        streams.untouched().forEach((repo, rule) -> {
            if (rule == Rule.UNREADABLE_STREAM) {
                run.warnings.add("imagestream " + repo + ": " + rule.description());
            }
        });
        Map<String, ImageStream> afterStage1 = new HashMap<>();
        for (StreamPlan plan : streams.plans()) {
            run.stream(plan, afterStage1);
        }
        ImageStage images = planner.planImages(afterStage1);
        if (images.failure() != null) {
            run.failures.add(images.failure());
        }
        for (ImagePlan plan : images.plans()) {
            run.image(plan);
        }
        return run.result(planner.invalidReferences(), false);
    }

    /** The bookkeeping of one run. */
    private final class Run {
        private final boolean pruneRegistry;
        private final List<StreamPlan> streamUpdates = new ArrayList<>();
        private final List<String> imageDeletions = new ArrayList<>();
        private final List<LinkDeletion> layerLinks = new ArrayList<>();
        private final List<LinkDeletion> manifestLinks = new ArrayList<>();
        private final List<String> blobs = new ArrayList<>();
        private final List<String> failures = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private int deletedImages;
        private int updatedStreams;
        private int deletedItems;
        private int deletedLayerLinks;
        private int deletedManifestLinks;
        private int deletedBlobs;
        private long bytesReclaimed;

        Run(boolean pruneRegistry) {
            this.pruneRegistry = pruneRegistry;
        }

        void stream(StreamPlan plan, Map<String, ImageStream> afterStage1) {
            String prefix = "imagestream " + plan.repo() + ": ";
            try {
                cluster.updateStreamStatus(plan);
            } catch (NotFoundException gone) {
                afterStage1.put(plan.repo(), null);
                return;
            } catch (Exception e) {
                failures.add(prefix + message(e));
                return;
            }
            afterStage1.put(plan.repo(), plan.pruned());
            streamUpdates.add(plan);
            updatedStreams++;
            deletedItems += plan.removedRevisions().size();
            if (!pruneRegistry) {
                return;
            }
            for (String blob : plan.layerLinkDeletions()) {
                layerLinks.add(new LinkDeletion(plan.repo(), blob));
                try {
                    registry.deleteLayerLink(plan.repo(), blob);
                    deletedLayerLinks++;
                } catch (Exception e) {
                    failures.add(prefix + "failed to delete layer link " + blob + ": " + message(e));
                }
            }
            for (String manifest : plan.manifestLinkDeletions()) {
                manifestLinks.add(new LinkDeletion(plan.repo(), manifest));
                try {
                    registry.deleteManifestLink(plan.repo(), manifest);
                    deletedManifestLinks++;
                } catch (Exception e) {
                    failures.add(prefix + "failed to delete manifest link " + manifest + ": " + message(e));
                }
            }
        }

        void image(ImagePlan plan) {
            String name = plan.name();
            String prefix = "image " + name + ": ";
            boolean anyDeleted = false;
            boolean anyFailed = false;
            for (String blob : plan.blobDeletions()) {
                if (deleteBlob(blob, prefix + "failed to delete blob " + blob + ": ")) {
                    anyDeleted = true;
                    bytesReclaimed += layerSize(plan.image(), blob);
                } else {
                    anyFailed = true;
                }
            }
            if (plan.deleteManifestBlob()) {
                if (deleteBlob(name, prefix + "failed to delete manifest blob " + name + ": ")) {
                    anyDeleted = true;
                } else {
                    anyFailed = true;
                }
            }
            if (anyFailed && !anyDeleted) {
                return;
            }
            imageDeletions.add(name);
            try {
                cluster.deleteImage(name);
                deletedImages++;
            } catch (NotFoundException gone) {
                // deleted by someone else: the goal is reached, but this run did not do it
            } catch (Exception e) {
                failures.add(prefix + "failed to delete image " + name + ": " + message(e));
            }
        }

        private boolean deleteBlob(String digest, String failurePrefix) {
            blobs.add(digest);
            try {
                registry.deleteBlob(digest);
                deletedBlobs++;
                return true;
            } catch (Exception e) {
                failures.add(failurePrefix + message(e));
                return false;
            }
        }

        PruneResult result(List<String> invalidReferences, boolean refused) {
            return new PruneResult(List.copyOf(invalidReferences), refused, List.copyOf(streamUpdates),
                    List.copyOf(imageDeletions), List.copyOf(layerLinks), List.copyOf(manifestLinks),
                    List.copyOf(blobs), List.copyOf(failures),
                    new PruneStats(deletedImages, updatedStreams, deletedItems, deletedLayerLinks,
                            deletedManifestLinks, deletedBlobs),
                    bytesReclaimed, List.copyOf(warnings));
        }
    }

    /** Layer sizes are recorded on the image that holds them; configs and manifests have none (0). */
    private static long layerSize(Image image, String digest) {
        for (Layer layer : image.layers()) {
            if (layer.name().equals(digest)) {
                return layer.size();
            }
        }
        return 0;
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
