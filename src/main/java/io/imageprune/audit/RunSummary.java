package io.imageprune.audit;

import io.imageprune.execute.PruneStats;

import java.time.Instant;
import java.util.List;

/**
 * What the closing event of a run reports.
 *
 * @param trigger                  what started the run: {@code schedule}, {@code event} or {@code api}
 * @param refused                  why the run deleted nothing (safety rule 3, invalid references), or null
 * @param stats                    oc's counters of successful actions
 * @param bytesReclaimed           bytes of the layer blobs deleted (or, in a dry run, that would be)
 * @param failures                 the error text of every failed action, in the order they failed
 * @param saved                    actions not attempted because the last-moment re-check found a new reference
 * @param leftForGarbageCollection actions left to the registry's garbage collection
 * @param state                    SUCCEEDED, FAILED, REFUSED, or INTERRUPTED (the process stopped mid-run and a
 *                                 later start recovered the run from the audit topic)
 * @param reason                   why the run was refused, failed as a whole, or was interrupted; else null
 * @param sentWithoutOutcome       of an interrupted run: the requests whose intent was acknowledged but whose outcome
 *                                 never reached the topic (they may or may not have happened)
 */
public record RunSummary(String runId, String trigger, boolean dryRun, Instant startedAt, Instant finishedAt,
                         String refused, PruneStats stats, long bytesReclaimed, List<String> failures, int saved,
                         int leftForGarbageCollection, String state, String reason, List<Intent> sentWithoutOutcome) {
    public static final String INTERRUPTED = "INTERRUPTED";
    /** How the reason of a run held back by a run-wide stop (lease, staleness, shutdown) begins. */
    public static final String STOPPED_PREFIX = "stopped before its end: ";

    public RunSummary {
        failures = failures == null ? List.of() : List.copyOf(failures);
        sentWithoutOutcome = sentWithoutOutcome == null ? List.of() : List.copyOf(sentWithoutOutcome);
        if (state == null) {
            state = refused != null ? "REFUSED" : failures.isEmpty() ? "SUCCEEDED" : "FAILED";
        }
        if (reason == null) {
            reason = refused;
        }
    }

    /** A run whose state follows from its refusal and failures alone. */
    public RunSummary(String runId, String trigger, boolean dryRun, Instant startedAt, Instant finishedAt,
                      String refused, PruneStats stats, long bytesReclaimed, List<String> failures, int saved,
                      int leftForGarbageCollection) {
        this(runId, trigger, dryRun, startedAt, finishedAt, refused, stats, bytesReclaimed, failures, saved,
                leftForGarbageCollection, null, null, List.of());
    }
}
