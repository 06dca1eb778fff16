package io.imageprune.audit;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the opening event of a run reports, written before its first action.
 *
 * @param trigger  {@code schedule}, {@code event} or {@code api}
 * @param targets  what the run covers (all, or the targets of a targeted pass)
 * @param settings the options the run plans with, by name, as text
 * @param planned  counts of what stage 1 plans (streams, removed revisions, links), by name
 */
public record RunStart(String runId, String trigger, boolean dryRun, String targets, Instant startedAt,
                       Map<String, String> settings, Map<String, Integer> planned) {
    public RunStart {
        // sorted, so that the same run always serialises to the same bytes
        settings = settings == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(settings));
        planned = planned == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(planned));
    }
}
