package io.imageprune.audit;

import io.imageprune.config.ImagePruneConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes a confirmed run durable on the audit topic: its {@code run.started} event, and an intent event before each
 * request it sends, each acknowledged by the broker ({@code acks=all}) within {@code imageprune.audit.intent-timeout}
 * before the run may go on. No acknowledgement, no request: the caller gets {@link IntentNotAcknowledgedException},
 * records the action as failed, and every later intent of the same run fails at once (the run stops deleting).
 * A dry run sends nothing, so it journals its start without waiting and has no intents.
 */
@ApplicationScoped
public class RunJournal {
    private static final Logger LOG = Logger.getLogger(RunJournal.class);

    private final AuditPublisher publisher;
    private final Duration timeout;
    /** The run being journalled: one run at a time (the runner's rule), so its state is kept for it alone. */
    private String runId;
    private boolean dryRun;
    private final Set<String> acknowledged = new HashSet<>();
    private String broken;
    private boolean warnedDisabled;

    public RunJournal(AuditPublisher publisher, ImagePruneConfig config) {
        this.publisher = publisher;
        this.timeout = config.audit().intentTimeout();
    }

    /** The request was not sent because its intent (or the run's start) did not reach the audit topic. */
    public static final class IntentNotAcknowledgedException extends RuntimeException {
        IntentNotAcknowledgedException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /**
     * Opens the run: a confirmed run completes once the broker acknowledged {@code run.started} (and fails with
     * {@link IntentNotAcknowledgedException} if it did not within the bound); a dry run's start is queued.
     */
    public Uni<Void> started(RunStart start) {
        synchronized (this) {
            runId = start.runId();
            dryRun = start.dryRun();
            acknowledged.clear();
            broken = null;
        }
        AuditEvent event = publisher.events().started(start);
        if (start.dryRun() || !enabled()) {
            publisher.publish(event);
            return Uni.createFrom().voidItem();
        }
        return acknowledgement(event, "run " + start.runId() + " started", start.runId());
    }

    /**
     * Completes when the intent is on the audit topic; only then may the caller send the request. A retry of the
     * same request needs no second intent. Never completes on the Kafka client's thread.
     */
    public Uni<Void> intent(String run, Intent intent) {
        return intent(run, intent, PlannedLinks.NONE);
    }

    /** {@link #intent(String, Intent)} of a stream write, carrying the links the run deletes after it. */
    public Uni<Void> intent(String run, Intent intent, PlannedLinks links) {
        AuditEvent event;
        // a write re-decided after a conflict may let other links go: that needs an intent of its own
        String key = links.isEmpty() ? intent.actionId(run) : intent.actionId(run) + links;
        synchronized (this) {
            if (!run.equals(runId)) {
                // a run that journals intents without having journalled its start: treat it as its own run
                runId = run;
                dryRun = false;
                acknowledged.clear();
                broken = null;
            }
            if (dryRun || !enabled() || acknowledged.contains(key)) {
                return Uni.createFrom().voidItem();
            }
            if (broken != null) {
                return Uni.createFrom().failure(new IntentNotAcknowledgedException(
                        "not sent: an earlier audit record of run " + run + " was not acknowledged (" + broken + ")",
                        null));
            }
            event = publisher.events().intent(run, Instant.now(), intent, links);
        }
        return acknowledgement(event, describe(intent), run)
                .invoke(() -> {
                    synchronized (this) {
                        if (run.equals(runId)) {
                            acknowledged.add(key);
                        }
                    }
                });
    }

    /**
     * Writes the closing event of a run that a stopped process left without one, and waits for the broker's
     * acknowledgement (bounded), so that the next recovery finds the run completed and does not write it again.
     */
    public void completeInterrupted(RecoveredRun run) throws Exception {
        if (!enabled()) {
            return;
        }
        publisher.acknowledged(publisher.events().summary(run.interruptedSummary()))
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@link #intent} for callers on a worker thread: returns once acknowledged, else throws. */
    public void awaitIntent(String run, Intent intent) {
        awaitIntent(run, intent, PlannedLinks.NONE);
    }

    /** {@link #intent(String, Intent, PlannedLinks)} for callers on a worker thread. */
    public void awaitIntent(String run, Intent intent, PlannedLinks links) {
        // the Uni is bounded by the timeout already; the extra second only covers scheduling
        intent(run, intent, links).await().atMost(timeout.plusSeconds(1));
    }

    private Uni<Void> acknowledgement(AuditEvent event, String what, String run) {
        return Uni.createFrom().completionStage(() -> publisher.acknowledged(event))
                .ifNoItem().after(timeout).fail()
                .onFailure().transform(failure -> {
                    String cause = failure instanceof TimeoutException
                            ? "no acknowledgement within imageprune.audit.intent-timeout=" + timeout
                            : describe(unwrap(failure));
                    synchronized (this) {
                        if (run.equals(runId) && broken == null) {
                            broken = cause;
                        }
                    }
                    LOG.errorf("run %s: %s not sent, its audit record was not acknowledged: %s", run, what, cause);
                    return new IntentNotAcknowledgedException(
                            "not sent: its audit record was not acknowledged by the audit topic: " + cause, failure);
                })
                // the acknowledgement arrives on the Kafka client's I/O thread: the request must not be sent from it
                .emitOn(Infrastructure.getDefaultWorkerPool());
    }

    private boolean enabled() {
        if (!publisher.enabled()) {
            synchronized (this) {
                if (!warnedDisabled) {
                    warnedDisabled = true;
                    LOG.warn("imageprune.audit.enabled=false: confirmed runs delete without an audit record of "
                            + "their intents, and interrupted runs cannot be recovered");
                }
            }
            return false;
        }
        return true;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof java.util.concurrent.CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(Intent intent) {
        return intent.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + (intent.repository().isEmpty()
                ? intent.target() : intent.repository() + (intent.digest().isEmpty() ? "" : "@" + intent.digest()));
    }

    /** A failure as a log and audit text: its message, or its type when it has none. */
    private static String describe(Throwable failure) {
        return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getName();
    }
}
