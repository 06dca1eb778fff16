package io.imageprune.prune;

import io.imageprune.audit.Intent;
import io.imageprune.execute.PruneStats;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run as GET /api/v1/runs/{id} shows it.
 *
 * @param state    RUNNING, SUCCEEDED, FAILED (some action failed, or the registry could not be reached), REFUSED, or
 *                 INTERRUPTED (the process stopped mid-run; recovered from the audit topic at the next start)
 * @param reason   why the run was refused or could not proceed, else null
 * @param summary  oc's statistics line ("deleted 2 image object(s), …")
 * @param actions  action kind → outcome → count
 * @param sentWithoutOutcome of an interrupted run: requests whose intent is on the audit topic but whose outcome is
 *                 not (they may or may not have been carried out)
 * @param warnings what the run left alone on purpose and why (e.g. stage 2 skipped on a graph of some namespaces
 *                 only); empty for a run recovered from the audit topic
 */
public record RunReport(String id, String trigger, String state, boolean dryRun, String targets, Instant startedAt,
                        Instant finishedAt, String reason, String summary, PruneStats stats, long bytesReclaimed,
                        List<String> failures, Map<String, Map<String, Integer>> actions,
                        List<Intent> sentWithoutOutcome, List<String> warnings) {
}
