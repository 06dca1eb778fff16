package io.imageprune.prune;

import io.imageprune.policy.Eligibility;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Streams and images waiting for a targeted pass: some due now, some at the instant an age threshold passes. A pass
 * starts once nothing new became due for the debounce time (a burst of events makes one pass), or once the oldest
 * due item has waited four debounce times (a steady stream of events cannot postpone it forever). Thread-safe.
 */
final class EligibilityQueue {
    private static final int MAX_WAIT_DEBOUNCES = 4;

    private final TreeMap<Instant, Set<String>[]> future = new TreeMap<>();
    private Set<String> readyStreams = new HashSet<>();
    private Set<String> readyImages = new HashSet<>();
    private Instant firstReady;
    private Instant lastReady;

    synchronized void add(Eligibility.Due due, Instant now) {
        if (due.streams().isEmpty() && due.images().isEmpty()) {
            return;
        }
        if (!due.at().isAfter(now)) {
            ready(due.streams(), due.images(), now);
            return;
        }
        Set<String>[] sets = future.computeIfAbsent(due.at(), k -> newSets());
        sets[0].addAll(due.streams());
        sets[1].addAll(due.images());
    }

    /** The targets of the next pass, or null when there is nothing to do yet. */
    synchronized RunTargets takeReady(Instant now, Duration debounce) {
        while (!future.isEmpty() && !future.firstKey().isAfter(now)) {
            Map.Entry<Instant, Set<String>[]> entry = future.pollFirstEntry();
            ready(entry.getValue()[0], entry.getValue()[1], entry.getKey());
        }
        if (firstReady == null) {
            return null;
        }
        boolean quiet = !now.isBefore(lastReady.plus(debounce));
        boolean waitedLongEnough = !now.isBefore(firstReady.plus(debounce.multipliedBy(MAX_WAIT_DEBOUNCES)));
        if (!quiet && !waitedLongEnough) {
            return null;
        }
        RunTargets targets = new RunTargets(readyStreams, readyImages);
        readyStreams = new HashSet<>();
        readyImages = new HashSet<>();
        firstReady = null;
        lastReady = null;
        return targets;
    }

    /** Targets of a pass that could not start (e.g. the graph was not synced) wait for the next one. */
    synchronized void putBack(RunTargets targets, Instant now) {
        ready(targets.streams() == null ? Set.of() : targets.streams(),
                targets.images() == null ? Set.of() : targets.images(), now);
    }

    synchronized int waitingInFuture() {
        return future.size();
    }

    private void ready(Set<String> streams, Set<String> images, Instant at) {
        readyStreams.addAll(streams);
        readyImages.addAll(images);
        if (firstReady == null || at.isBefore(firstReady)) {
            firstReady = at;
        }
        if (lastReady == null || at.isAfter(lastReady)) {
            lastReady = at;
        }
    }

    @SuppressWarnings("unchecked")
    private static Set<String>[] newSets() {
        return new Set[]{new HashSet<String>(), new HashSet<String>()};
    }
}
