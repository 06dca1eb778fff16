package io.imageprune.execute;

import io.imageprune.model.Image;
import io.imageprune.model.Layer;
import io.imageprune.policy.ImagePlan;
import io.imageprune.policy.Rule;
import io.imageprune.policy.StreamPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The bookkeeping of one run, shared by the serial executor and the concurrent worker pool: oc's statistics and
 * failure texts (algorithm §6.4, §7, §10), the lists of attempted deletions, and one {@link ActionRecord} per action,
 * handed to a listener (the audit topic) as soon as its outcome is known. Thread-safe.
 */
public final class RunLedger {
    private final Consumer<ActionRecord> listener;
    private final List<StreamPlan> streamUpdates = new ArrayList<>();
    private final List<String> imageDeletions = new ArrayList<>();
    private final List<LinkDeletion> layerLinks = new ArrayList<>();
    private final List<LinkDeletion> manifestLinks = new ArrayList<>();
    private final List<String> blobs = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<ActionRecord> actions = new ArrayList<>();
    private int deletedImages;
    private int updatedStreams;
    private int deletedItems;
    private int deletedLayerLinks;
    private int deletedManifestLinks;
    private int deletedBlobs;
    private long bytesReclaimed;

    public RunLedger(Consumer<ActionRecord> listener) {
        this.listener = listener;
    }

    public RunLedger() {
        this(action -> { });
    }

    /** A stream status write: DONE, ALREADY_GONE when the stream was deleted, FAILED, SAVED or DEFERRED. */
    public void stream(StreamPlan plan, Outcome outcome, String error) {
        Rule rule = plan.removedRevisions().get(0).rule();
        ActionRecord action = new ActionRecord(ActionKind.STREAM_UPDATE, plan.repo(), plan.repo(), "", 0, rule,
                outcome, error == null ? null : "imagestream " + plan.repo() + ": " + error);
        synchronized (this) {
            if (outcome == Outcome.DONE) {
                streamUpdates.add(plan);
                updatedStreams++;
                deletedItems += plan.removedRevisions().size();
            }
            record(action);
        }
    }

    public void layerLink(String repo, String blob, Outcome outcome, String error) {
        link(ActionKind.LAYER_LINK, repo, blob, outcome, error, "failed to delete layer link ");
    }

    public void manifestLink(String repo, String digest, Outcome outcome, String error) {
        link(ActionKind.MANIFEST_LINK, repo, digest, outcome, error, "failed to delete manifest link ");
    }

    private void link(ActionKind kind, String repo, String digest, Outcome outcome, String error, String what) {
        String failure = outcome == Outcome.FAILED ? "imagestream " + repo + ": " + what + digest + ": " + error : error;
        ActionRecord action = new ActionRecord(kind, digest, repo, digest, 0, Rule.LAST_LINK_IN_REPOSITORY, outcome,
                failure);
        synchronized (this) {
            if (outcome.attempted()) {
                (kind == ActionKind.LAYER_LINK ? layerLinks : manifestLinks).add(new LinkDeletion(repo, digest));
            }
            if (outcome.succeeded()) {
                if (kind == ActionKind.LAYER_LINK) {
                    deletedLayerLinks++;
                } else {
                    deletedManifestLinks++;
                }
            }
            record(action);
        }
    }

    /** A blob of the image in global storage: a layer or config, or the image's own manifest blob. */
    public void blob(ImagePlan plan, String digest, Outcome outcome, String error) {
        boolean manifest = digest.equals(plan.name());
        long bytes = reclaimedBytes(plan, digest);
        String failure = outcome != Outcome.FAILED ? error : "image " + plan.name() + ": failed to delete "
                + (manifest ? "manifest blob " : "blob ") + digest + ": " + error;
        ActionRecord action = new ActionRecord(ActionKind.BLOB, digest, "", digest, bytes,
                Rule.LAST_IMAGE_USING_BLOB, outcome, failure);
        synchronized (this) {
            if (outcome.attempted()) {
                blobs.add(digest);
            }
            if (outcome.succeeded()) {
                deletedBlobs++;
                bytesReclaimed += bytes;
            }
            record(action);
        }
    }

    /** The Image object: DONE, ALREADY_GONE (deleted by someone else; not counted, as oc), FAILED, SAVED, DEFERRED. */
    public void image(ImagePlan plan, Outcome outcome, String error) {
        String name = plan.name();
        String failure = outcome == Outcome.FAILED ? "image " + name + ": failed to delete image " + name + ": " + error
                : error;
        ActionRecord action = new ActionRecord(ActionKind.IMAGE, name, "", name, 0, plan.rule(), outcome, failure);
        synchronized (this) {
            if (outcome.attempted()) {
                imageDeletions.add(name);
            }
            if (outcome == Outcome.DONE) {
                deletedImages++;
            }
            record(action);
        }
    }

    /** A failure that is not the outcome of one action, e.g. stage 2 stopping on unreadable metadata. */
    public synchronized void failure(String text) {
        failures.add(text);
    }

    public synchronized void warning(String text) {
        warnings.add(text);
    }

    public synchronized PruneResult result(List<String> invalidReferences, boolean refused) {
        return new PruneResult(List.copyOf(invalidReferences), refused, List.copyOf(streamUpdates),
                List.copyOf(imageDeletions), List.copyOf(layerLinks), List.copyOf(manifestLinks),
                List.copyOf(blobs), List.copyOf(failures),
                new PruneStats(deletedImages, updatedStreams, deletedItems, deletedLayerLinks,
                        deletedManifestLinks, deletedBlobs),
                bytesReclaimed, List.copyOf(warnings), List.copyOf(actions));
    }

    private void record(ActionRecord action) {
        actions.add(action);
        if (action.outcome() == Outcome.FAILED) {
            failures.add(action.error());
        }
        listener.accept(action);
    }

    /**
     * What deleting one of the image plan's blobs reclaims: the size of the layer it is. Layer sizes are recorded on
     * the image that holds them; configs and the image's own manifest blob have none (0).
     */
    static long reclaimedBytes(ImagePlan plan, String digest) {
        return digest.equals(plan.name()) ? 0 : layerSize(plan.image(), digest);
    }

    private static long layerSize(Image image, String digest) {
        for (Layer layer : image.layers()) {
            if (layer.name().equals(digest)) {
                return layer.size();
            }
        }
        return 0;
    }
}
