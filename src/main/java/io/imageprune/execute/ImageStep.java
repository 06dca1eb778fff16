package io.imageprune.execute;

import io.imageprune.policy.ImagePlan;

import java.util.ArrayList;
import java.util.List;

/**
 * oc's rules for one image of stage 2 (algorithm §7.3, §10): its global blobs first (layers and config, then its
 * manifest blob), then the Image object, unless every blob deletion failed: then the Image object stays, so that a
 * later run finds its blobs again. A blob the registry cannot delete is left to its garbage collection and does not
 * keep the image. Every outcome goes to the run's ledger. Thread-safe.
 */
public final class ImageStep {
    /** Why a blob is {@link Outcome#LEFT_FOR_GC}. */
    public static final String LEFT_FOR_GC =
            "the registry has no blob deletion API; its garbage collection reclaims the blob";

    private final ImagePlan plan;
    private final RunLedger ledger;
    private boolean anyDeleted;
    private boolean anyFailed;
    private boolean ended;

    public ImageStep(ImagePlan plan, RunLedger ledger) {
        this.plan = plan;
        this.ledger = ledger;
    }

    public ImagePlan plan() {
        return plan;
    }

    public String name() {
        return plan.name();
    }

    /** The global blobs to delete, in oc's order: layers and config, then the manifest blob. */
    public List<String> blobs() {
        List<String> digests = new ArrayList<>(plan.blobDeletions());
        if (plan.deleteManifestBlob()) {
            digests.add(plan.name());
        }
        return digests;
    }

    public void blob(String digest, Outcome outcome, String error) {
        synchronized (this) {
            if (ended) {
                throw new IllegalStateException("blob " + digest + " of image " + name() + " after the image ended");
            }
            anyDeleted |= outcome.succeeded();
            anyFailed |= outcome == Outcome.FAILED;
        }
        ledger.blob(plan, digest, outcome, error);
    }

    /** A blob the registry has no API to delete (plain distribution registry). */
    public void blobLeftForGc(String digest) {
        blob(digest, Outcome.LEFT_FOR_GC, LEFT_FOR_GC);
    }

    /** algorithm §7.3: false when every blob deletion failed; the Image object then stays for a later run. */
    public synchronized boolean mayDeleteImage() {
        return !(anyFailed && !anyDeleted);
    }

    /**
     * The Image object's outcome: DONE, ALREADY_GONE or FAILED once its deletion was attempted (only if
     * {@link #mayDeleteImage()}), SAVED or DEFERRED when it was not.
     */
    public void image(Outcome outcome, String error) {
        synchronized (this) {
            if (outcome != Outcome.SAVED && outcome != Outcome.DEFERRED && !mayDeleteImage()) {
                throw new IllegalStateException("image " + name() + " must stay: every blob deletion failed");
            }
            if (ended) {
                throw new IllegalStateException("image " + name() + " already ended");
            }
            ended = true;
        }
        ledger.image(plan, outcome, error);
    }
}
