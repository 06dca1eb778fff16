package io.imageprune.audit;

import io.imageprune.execute.ActionKind;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * When confirmed runs deleted what, per action kind, over the recovery window: what a rolling deletion budget
 * restores itself from after a restart. A deletion counts when its outcome is DONE, and also when only its intent is
 * on the topic (the run was interrupted: the request may have been carried out), so a budget never undercounts.
 * Dry runs, ALREADY_GONE (nothing was deleted), saved and failed actions do not count. Times ascend per kind.
 */
public record DeletionHistory(Instant since, Map<ActionKind, List<Instant>> byKind) {
    public static final DeletionHistory EMPTY = new DeletionHistory(Instant.EPOCH, Map.of());

    public DeletionHistory {
        Map<ActionKind, List<Instant>> copy = new EnumMap<>(ActionKind.class);
        byKind.forEach((kind, times) -> {
            List<Instant> sorted = new ArrayList<>(times);
            Collections.sort(sorted);
            copy.put(kind, List.copyOf(sorted));
        });
        byKind = Collections.unmodifiableMap(copy);
    }

    /** The deletion times of one kind, ascending. */
    public List<Instant> of(ActionKind kind) {
        return byKind.getOrDefault(kind, List.of());
    }

    /** How many deletions of the kind happened at or after {@code from}. */
    public int count(ActionKind kind, Instant from) {
        return (int) of(kind).stream().filter(time -> !time.isBefore(from)).count();
    }
}
