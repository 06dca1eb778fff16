package io.imageprune.execute;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.EnumMap;
import java.util.Map;

/**
 * The rolling-window caps across runs: at most so many deletions of each kind within any window (e.g. one hour),
 * counted over every pass, targeted passes in a row included. Unlike a per-run cap it does not refuse: what does not
 * fit now is deferred and a later pass, once older deletions have left the window, takes it up, so a backlog drains
 * at the configured pace. A stream's links or an image with its blobs are taken as a whole, so that nothing is left
 * half done (a stream written without its links would lose them for good). Time is passed in. Thread-safe.
 */
public final class DeletionBudget {
    private record Spent(Instant at, ActionKind kind, int count) {
    }

    private final Duration window;
    private final Map<ActionKind, Integer> limits;
    private final List<Spent> spent = new ArrayList<>();

    /** @param limits per capped kind, the most deletions within any {@code window}; a kind not listed is not capped */
    public DeletionBudget(Duration window, Map<ActionKind, Integer> limits) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the deletion window must be positive: " + window);
        }
        this.window = window;
        this.limits = Map.copyOf(limits);
    }

    public Duration window() {
        return window;
    }

    /**
     * Takes these deletions from the budget if all of them fit, all or nothing.
     *
     * @return null when taken, else why not, naming the kind and its limit
     */
    public synchronized String take(Instant now, DeletionCounts counts) {
        forget(now);
        for (ActionKind kind : DeletionCounts.CAPPED) {
            Integer limit = limits.get(kind);
            int wanted = counts.get(kind);
            if (limit != null && wanted > 0 && used(kind, now) + wanted > limit) {
                return "the budget of " + limit + " " + kind.name().toLowerCase().replace('_', ' ')
                        + " deletions per " + window + " is spent (" + used(kind, now) + " used, " + wanted
                        + " wanted); deferred to a later pass";
            }
        }
        for (ActionKind kind : DeletionCounts.CAPPED) {
            if (counts.get(kind) > 0) {
                spent.add(new Spent(now, kind, counts.get(kind)));
            }
        }
        return null;
    }

    /**
     * Returns deletions taken but not sent after all (the stream write failed, the image had to stay), from the
     * newest takes of their kind: an entry of its own would outlive the take it cancels and hide later deletions.
     */
    public synchronized void giveBack(Instant now, DeletionCounts counts) {
        for (ActionKind kind : DeletionCounts.CAPPED) {
            int left = counts.get(kind);
            for (int i = spent.size() - 1; i >= 0 && left > 0; i--) {
                Spent s = spent.get(i);
                if (s.kind == kind && s.count > 0) {
                    int back = Math.min(left, s.count);
                    left -= back;
                    if (back == s.count) {
                        spent.remove(i);
                    } else {
                        spent.set(i, new Spent(s.at, kind, s.count - back));
                    }
                }
            }
        }
    }

    /** Counts deletions made at {@code at}, e.g. by an earlier process, as read back from the audit topic. */
    public synchronized void restore(ActionKind kind, Instant at, int count) {
        spent.add(new Spent(at, kind, count));
    }

    /** Deletions of this kind within the window ending at {@code now}. */
    public synchronized int used(ActionKind kind, Instant now) {
        Instant from = now.minus(window);
        int used = 0;
        for (Spent s : spent) {
            if (s.kind == kind && s.at.isAfter(from) && !s.at.isAfter(now)) {
                used += s.count;
            }
        }
        return Math.max(0, used);
    }

    /** What may still be deleted of each capped kind within the window ending at {@code now}. */
    public synchronized Map<ActionKind, Integer> remaining(Instant now) {
        Map<ActionKind, Integer> left = new EnumMap<>(ActionKind.class);
        limits.forEach((kind, limit) -> left.put(kind, Math.max(0, limit - used(kind, now))));
        forget(now);
        return left;
    }

    /** Drops what has left the window for good (restored entries may arrive out of order, so only the old ones). */
    private void forget(Instant now) {
        Instant from = now.minus(window);
        spent.removeIf(s -> !s.at.isAfter(from));
    }
}
