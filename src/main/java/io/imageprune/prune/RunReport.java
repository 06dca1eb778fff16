package io.imageprune.prune;

import io.imageprune.execute.PruneStats;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run as GET /api/v1/runs/{id} shows it.
 *
 * @param state    RUNNING, SUCCEEDED, FAILED (some action failed, or the registry could not be reached) or REFUSED
 * @param reason   why the run was refused or could not proceed, else null
 * @param summary  oc's statistics line ("deleted 2 image object(s), …")
 * @param actions  action kind → outcome → count
 */
public record RunReport(String id, String trigger, String state, boolean dryRun, String targets, Instant startedAt,
                        Instant finishedAt, String reason, String summary, PruneStats stats, long bytesReclaimed,
                        List<String> failures, Map<String, Map<String, Integer>> actions) {
}
