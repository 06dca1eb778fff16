package io.imageprune.audit;

import io.imageprune.execute.PruneStats;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run as the audit topic tells it: from its {@code run.completed} event when it has one, otherwise rebuilt from its
 * start, intents and outcomes with state {@link RunSummary#INTERRUPTED}.
 *
 * @param completed          whether the topic holds the run's closing event (else it was interrupted and still
 *                           needs one)
 * @param actions            action kind → outcome → count, from the outcome events read
 * @param sentWithoutOutcome requests whose intent is on the topic but whose outcome is not
 */
public record RecoveredRun(String runId, String trigger, boolean dryRun, String targets, Instant startedAt,
                           Instant finishedAt, String state, String reason, PruneStats stats, long bytesReclaimed,
                           List<String> failures, int saved, int leftForGarbageCollection,
                           Map<String, Map<String, Integer>> actions, List<Intent> sentWithoutOutcome,
                           boolean completed) {

    /** The closing event a recovering replica writes for an interrupted run. */
    public RunSummary interruptedSummary() {
        return new RunSummary(runId, trigger, dryRun, startedAt, finishedAt, null, stats, bytesReclaimed, failures,
                saved, leftForGarbageCollection, RunSummary.INTERRUPTED, reason, sentWithoutOutcome);
    }
}
