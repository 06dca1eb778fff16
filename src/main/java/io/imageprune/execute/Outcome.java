package io.imageprune.execute;

/** How an action of a run ended. */
public enum Outcome {
    /** The change was made (or, in a dry run, would have been). */
    DONE,
    /** The target was already gone: the goal is reached, oc counts it as success without counting it as deleted. */
    ALREADY_GONE,
    /** The change failed; the action's error says why. */
    FAILED,
    /** Not attempted: the re-check right before the request found a new reference (safety rule 4). */
    SAVED,
    /** Not attempted: the registry has no API for it (plain distribution registry); its garbage collection reclaims it. */
    LEFT_FOR_GC,
    /**
     * Not attempted: the rolling window's deletion budget is spent (item 5 of the caps); the target stays as it is
     * and a later pass, in a later window, takes it up again.
     */
    DEFERRED;

    /** Whether the request was sent (or, in a dry run, would have been). */
    public boolean attempted() {
        return this == DONE || this == ALREADY_GONE || this == FAILED;
    }

    public boolean succeeded() {
        return this == DONE || this == ALREADY_GONE;
    }
}
