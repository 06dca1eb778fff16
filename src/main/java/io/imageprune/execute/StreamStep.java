package io.imageprune.execute;

import io.imageprune.policy.StreamPlan;

import java.util.List;

/**
 * oc's rules for one stream of stage 1 (algorithm §6.4, §7.1, §10, safety rule 2), whoever drives the calls: the status
 * write comes first and ends in exactly one outcome; only a successful write lets the stream's repository links be
 * deleted; a gone stream drops out of stage 2, a failed, saved or deferred one stays as listed and keeps protecting
 * its images. Every outcome goes to the run's ledger, which turns it into oc's failure text and statistics.
 * Thread-safe: the link deletions of one stream may be recorded from any thread.
 */
public final class StreamStep {
    private final StreamPlan planned;
    /** built once: every link deletion of the stream records it */
    private final String repo;
    private final boolean pruneRegistry;
    private final RunLedger ledger;
    private final StageOne stageOne;
    private StreamPlan written;
    private Outcome outcome;

    /**
     * @param planned       the plan as made at the start of the run
     * @param pruneRegistry whether the run deletes repository links at all
     */
    public StreamStep(StreamPlan planned, boolean pruneRegistry, RunLedger ledger, StageOne stageOne) {
        this.planned = planned;
        this.repo = planned.repo();
        this.pruneRegistry = pruneRegistry;
        this.ledger = ledger;
        this.stageOne = stageOne;
    }

    public StreamPlan planned() {
        return planned;
    }

    public String repo() {
        return repo;
    }

    /** The status was written as {@code plan} says (the plan decided on the copy that was written). */
    public synchronized void written(StreamPlan plan) {
        close(Outcome.DONE);
        written = plan;
        stageOne.written(plan.repo(), plan.pruned(), plan.removedRevisions());
        ledger.stream(plan, Outcome.DONE, null);
    }

    /** The stream no longer exists: the goal is reached, and stage 2 no longer counts it. */
    public synchronized void gone() {
        close(Outcome.ALREADY_GONE);
        stageOne.gone(repo());
        ledger.stream(planned, Outcome.ALREADY_GONE, null);
    }

    /** The write (or the read before it) failed: oc's "stop on image stream update failure" for this stream. */
    public synchronized void failed(String error) {
        close(Outcome.FAILED);
        ledger.stream(planned, Outcome.FAILED, error);
    }

    /**
     * Not attempted: {@link Outcome#SAVED} (a stop condition, or the stream as it is now loses nothing) or
     * {@link Outcome#DEFERRED} (the rolling window's budget); the stream stays as listed for a later run.
     */
    public synchronized void notAttempted(Outcome why, String reason) {
        if (why != Outcome.SAVED && why != Outcome.DEFERRED) {
            throw new IllegalArgumentException("not an outcome of a write that was not attempted: " + why);
        }
        close(why);
        ledger.stream(planned, why, reason);
    }

    /** Safety rule 2: the layer links to delete, none unless the status write succeeded. */
    public synchronized List<String> layerLinks() {
        return linksMayGo() ? written.layerLinkDeletions() : List.of();
    }

    /** Safety rule 2: the manifest links to delete, none unless the status write succeeded. */
    public synchronized List<String> manifestLinks() {
        return linksMayGo() ? written.manifestLinkDeletions() : List.of();
    }

    /** The plan that was written (the links' last-moment checks need its removed revisions), or null. */
    public synchronized StreamPlan writtenPlan() {
        return written;
    }

    public void layerLink(String digest, Outcome outcome, String error) {
        requireWritten(digest);
        ledger.layerLink(repo(), digest, outcome, error);
    }

    public void manifestLink(String digest, Outcome outcome, String error) {
        requireWritten(digest);
        ledger.manifestLink(repo(), digest, outcome, error);
    }

    private boolean linksMayGo() {
        return pruneRegistry && outcome == Outcome.DONE;
    }

    private synchronized void requireWritten(String digest) {
        if (!linksMayGo()) {
            throw new IllegalStateException("safety rule 2: link " + digest + " of " + repo()
                    + " before its stream's status was written (" + outcome + ")");
        }
    }

    private void close(Outcome result) {
        if (outcome != null) {
            throw new IllegalStateException("stream " + repo() + " already ended " + outcome + ", now " + result);
        }
        outcome = result;
    }
}
