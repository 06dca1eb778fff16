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
 */
public record RunSummary(String runId, String trigger, boolean dryRun, Instant startedAt, Instant finishedAt,
                         String refused, PruneStats stats, long bytesReclaimed, List<String> failures, int saved,
                         int leftForGarbageCollection) {
    public RunSummary {
        failures = failures == null ? List.of() : List.copyOf(failures);
    }
}
