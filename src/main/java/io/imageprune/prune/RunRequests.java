package io.imageprune.prune;

import io.imageprune.audit.Intent;
import io.imageprune.audit.PlannedLinks;
import io.imageprune.audit.RunJournal;
import io.imageprune.cluster.ClusterWrites;
import io.imageprune.cluster.StreamConflictException;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.execute.NotFoundException;
import io.imageprune.execute.Outcome;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.policy.LastMomentCheck;
import io.imageprune.policy.StreamPlan;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one place where a run's changes leave the process: every registry DELETE and every API write (stream status,
 * Image deletion) of a confirmed run is sent from here, and nowhere else. Whatever must happen right before a
 * request is sent (the last-moment check, an intent record) belongs here.
 */
final class RunRequests {
    @FunctionalInterface
    interface OutcomeSink {
        void record(Outcome outcome, String error);
    }

    private final ClusterWrites cluster;
    private final ImagePruneConfig.Prune prune;
    private final PruneMetrics metrics;
    private final RunGuard guard;
    private final RunJournal journal;

    RunRequests(ClusterWrites cluster, ImagePruneConfig.Prune prune, PruneMetrics metrics, RunGuard guard,
                RunJournal journal) {
        this.journal = journal;
        this.cluster = cluster;
        this.prune = prune;
        this.metrics = metrics;
        this.guard = guard;
    }

    /**
     * One registry DELETE: the last-moment check, then the call with retries (exponential backoff with jitter) on
     * failures the registry calls retryable; the outcome (DONE, FAILED, or SAVED when the check kept the target) goes
     * to the sink, on a worker thread. The request is sent only once its intent is on the audit topic.
     */
    Uni<Void> registryDelete(PruneRun run, Function<LastMomentCheck, String> check, String operation,
                             Intent intent, Supplier<Uni<Void>> call, RegistryCalls registry, OutcomeSink sink) {
        long[] started = new long[1];
        // the check belongs to every attempt: a retry may come seconds later, after the lease or a reference changed
        // the intent first, the check last: waiting for the audit topic takes time in which a reference may appear
        Uni<Void> attempt = journal.intent(run.id, intent)
                .chain(() -> onWorker(() -> guard.lastMomentReason(run, check)))
                .chain(saved -> {
                    if (saved != null) {
                        return Uni.createFrom().failure(new Saved(saved));
                    }
                    started[0] = System.nanoTime();
                    return call.get().onItemOrFailure().invoke((ok, failure) -> metrics.registryCall(operation,
                            failure == null ? "success" : registry.retryable(failure) ? "retryable" : "failure",
                            Duration.ofNanos(System.nanoTime() - started[0])));
                });
        return attempt
                .onFailure(registry::retryable).invoke(() -> metrics.retry(operation))
                .onFailure(registry::retryable).retry()
                .withBackOff(prune.initialBackoff(), prune.maxBackoff()).withJitter(0.5)
                .atMost(Math.max(0, prune.maxAttempts() - 1))
                // the ledger's listeners publish to Kafka: never on the HTTP client's event loop
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .onItemOrFailure().invoke((ok, failure) -> {
                    if (failure instanceof Saved saved) {
                        sink.record(Outcome.SAVED, saved.getMessage());
                    } else {
                        sink.record(failure == null ? Outcome.DONE : Outcome.FAILED,
                                failure == null ? null : PruneExecutor.message(failure));
                    }
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * Writes a stream's status (blocking; safety rule 2 makes this the first change of its stream), once its intent
     * is on the audit topic and {@code lastMoment} (asked after that wait) found no reason to keep it.
     *
     * @throws NotSent when the last-moment check kept the stream as it is
     */
    void writeStatus(PruneRun run, ClusterWrites.FreshStream fresh, StreamPlan plan, Supplier<String> lastMoment)
            throws StreamConflictException, NotFoundException {
        // the links deleted after the write go with its intent: a process stopped in between leaves them on the topic
        journal.awaitIntent(run.id, Intent.streamUpdate(plan.repo()),
                PlannedLinks.of(plan, run.options.pruneRegistry()));
        notSentIf(lastMoment.get());
        cluster.writeStatus(fresh, plan);
    }

    /**
     * Deletes an Image object (blocking).
     *
     * @return false when it was already gone
     */
    boolean deleteImage(PruneRun run, String name, Supplier<String> lastMoment) {
        journal.awaitIntent(run.id, Intent.image(name));
        notSentIf(lastMoment.get());
        return cluster.deleteImage(name);
    }

    private static void notSentIf(String reason) {
        if (reason != null) {
            throw new NotSent(reason);
        }
    }

    /** The last-moment check, asked once the intent was acknowledged, kept the target: not a failure. */
    static final class NotSent extends RuntimeException {
        NotSent(String reason) {
            super(reason, null, false, false);
        }
    }

    static <T> Uni<T> onWorker(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** A target the last-moment check kept: not a failure, never retried. */
    private static final class Saved extends RuntimeException {
        Saved(String reason) {
            super(reason, null, false, false);
        }
    }
}
