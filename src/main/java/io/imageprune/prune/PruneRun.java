package io.imageprune.prune;

import io.imageprune.execute.ActionRecord;
import io.imageprune.execute.PruneResult;
import io.imageprune.execute.RunLedger;
import io.imageprune.execute.StageOne;
import io.imageprune.model.Image;
import io.imageprune.policy.ImagePlan;
import io.imageprune.policy.PruneOptions;
import io.imageprune.policy.RemovedRevision;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.TreeMap;
import java.util.function.Consumer;

/** One run while it executes and afterwards: its identity, what it has done so far, and what stage 2 must know. */
final class PruneRun {
    enum State { RUNNING, SUCCEEDED, FAILED, REFUSED }

    final String id;
    final RunTrigger trigger;
    final boolean dryRun;
    final RunTargets targets;
    final PruneOptions options;
    final Instant startedAt;
    final RunLedger ledger;
    /** What stage 1 leaves for stage 2, and the revisions the run removed (safety rule 4). */
    final StageOne stageOne = new StageOne();
    private final Map<String, Map<String, Integer>> outcomes = new TreeMap<>();
    /** digest → images stage 2 deletes that hold it (an image holds its own manifest). */
    private Map<String, List<Image>> blobHolders = Map.of();
    private final Map<String, String> kept = new ConcurrentHashMap<>();
    private volatile State state = State.RUNNING;
    private volatile Instant finishedAt;
    private volatile String reason;
    private final AtomicReference<String> stoppedBy = new AtomicReference<>();
    private volatile PruneResult result;
    private volatile Consumer<ActionRecord> listener = action -> { };

    PruneRun(String id, RunTrigger trigger, boolean dryRun, RunTargets targets, PruneOptions options,
             Instant startedAt) {
        this.id = id;
        this.trigger = trigger;
        this.dryRun = dryRun;
        this.targets = targets;
        this.options = options;
        this.startedAt = startedAt;
        this.ledger = new RunLedger(action -> {
            synchronized (outcomes) {
                outcomes.computeIfAbsent(action.kind().name(), k -> new TreeMap<>())
                        .merge(action.outcome().name(), 1, Integer::sum);
            }
            listener.accept(action);
        });
    }

    /** Told of every action as its outcome becomes known (metrics, audit). */
    void listener(Consumer<ActionRecord> listener) {
        this.listener = listener;
    }

    void imagePlans(List<ImagePlan> plans) {
        Map<String, List<Image>> holders = new HashMap<>();
        for (ImagePlan plan : plans) {
            List<String> digests = new ArrayList<>(plan.image().blobs());
            digests.add(plan.name());
            for (String digest : digests) {
                List<Image> list = holders.computeIfAbsent(digest, k -> new ArrayList<>(2));
                if (!list.contains(plan.image())) {
                    list.add(plan.image());
                }
            }
        }
        blobHolders = holders;
    }

    /** Revisions each successfully written stream lost: the graph may not show the write yet (safety rule 4). */
    Map<String, List<RemovedRevision>> removedByRun() {
        return stageOne.removedByRun();
    }

    /**
     * The planned images holding this blob that the run still deletes: an image it keeps after all (deferred by the
     * window, saved at the last moment) holds its blobs like any other image outside the run.
     */
    List<Image> holders(String digest) {
        List<Image> planned = blobHolders.getOrDefault(digest, List.of());
        if (kept.isEmpty()) {
            return planned;
        }
        List<Image> deleting = new ArrayList<>(planned.size());
        for (Image image : planned) {
            if (!kept.containsKey(image.name())) {
                deleting.add(image);
            }
        }
        return deleting;
    }

    /** The run keeps this planned image after all; {@code deferred}: why the window deferred it, null if saved. */
    void keep(String image, String deferred) {
        kept.put(image, deferred == null ? "" : deferred);
    }

    /** Why the window deferred this image, or null. */
    String deferred(String image) {
        String why = kept.get(image);
        return why == null || why.isEmpty() ? null : why;
    }

    void finish(State state, String reason, PruneResult result, Instant at) {
        this.result = result;
        this.reason = reason;
        this.finishedAt = at;
        this.state = state;
    }

    State state() {
        return state;
    }

    String reason() {
        return reason;
    }

    /** A run-wide stop condition held back its remaining actions (the first one is kept). */
    void stopped(String why) {
        stoppedBy.compareAndSet(null, why);
    }

    /** Why the run stopped before its end, or null when nothing stopped it. */
    String stoppedBy() {
        return stoppedBy.get();
    }

    PruneResult result() {
        return result;
    }

    Instant finishedAt() {
        return finishedAt;
    }

    RunReport report() {
        PruneResult done = result != null ? result : ledger.result(List.of(), false);
        Map<String, Map<String, Integer>> actions = new TreeMap<>();
        synchronized (outcomes) {
            outcomes.forEach((kind, counts) -> actions.put(kind, Map.copyOf(counts)));
        }
        return new RunReport(id, trigger.label(), state.name(), dryRun, targets.describe(), startedAt, finishedAt,
                reason, done.stats().toString(), done.stats(), done.bytesReclaimed(), done.failures(), actions,
                List.of(), done.warnings());
    }
}
