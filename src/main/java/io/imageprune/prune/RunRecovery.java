package io.imageprune.prune;

import io.imageprune.audit.AuditLog;
import io.imageprune.audit.AuditReader;
import io.imageprune.audit.DeletionHistory;
import io.imageprune.audit.RecoveredRun;
import io.imageprune.audit.RunJournal;
import io.imageprune.audit.UnfinishedLink;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.execute.DeletionBudget;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What the replica that leads does before its first run: reads the audit topic back over
 * {@code imageprune.audit.recovery-window}, restores the run history (completed runs survive restarts), lists a run
 * that has no {@code run.completed} as INTERRUPTED — with the requests it sent without a recorded outcome — and
 * writes that run's closing event (once: the next recovery reads it back as completed), and offers the deletions of
 * the window per kind ({@link #deletions()}, {@link #onRecovered}) for rolling budgets, and hands the links
 * interrupted runs planned after a stream write but did not delete to {@link UnfinishedLinks}. Runs wait for it: until it has
 * finished, {@link #recovered()} is false. A failed read is tried again with backoff for as long as this replica
 * leads.
 */
@ApplicationScoped
public class RunRecovery {
    private static final Logger LOG = Logger.getLogger(RunRecovery.class);
    public static final String INTERRUPTED_RUNS = "imageprune.audit.recovered.interrupted";
    public static final String FAILURES = "imageprune.audit.recovery.failures";
    public static final String UNSAFE_LINKS = "imageprune.audit.recovery.unsafe.links";
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofSeconds(30);

    private final AuditReader reader;
    private final RunJournal journal;
    private final RunHistory history;
    private final MeterRegistry registry;
    private final boolean enabled;
    private final Duration window;
    private final Duration timeout;
    private final UnfinishedLinks unfinishedLinks;
    private final List<Consumer<DeletionHistory>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean recovered;
    private volatile DeletionHistory deletions = DeletionHistory.EMPTY;
    private Thread worker;
    /** Which start the running recovery belongs to. */
    private final AtomicLong generation = new AtomicLong();

    public RunRecovery(AuditReader reader, RunJournal journal, RunHistory history, ImagePruneConfig config,
                       MeterRegistry registry, DeletionBudget budget, UnfinishedLinks unfinishedLinks) {
        this.unfinishedLinks = unfinishedLinks;
        // the rolling caps count what earlier processes deleted too; a second recovery may count some deletions
        // twice, which only defers more
        listeners.add(window -> window.byKind().forEach((kind, times) -> times.forEach(at -> budget.restore(kind, at, 1))));
        this.reader = reader;
        this.journal = journal;
        this.history = history;
        this.registry = registry;
        this.enabled = config.audit().enabled();
        this.window = config.audit().recoveryWindow();
        this.timeout = config.audit().recoveryTimeout();
    }

    /**
     * Starts recovering in the background (again, when this replica leads anew); {@link #recovered()} is false from
     * now until it has finished.
     *
     * @param leading whether this replica still leads: only then is an interrupted run's closing event written
     */
    public synchronized void start(BooleanSupplier leading) {
        recovered = false;
        if (!enabled) {
            LOG.warn("imageprune.audit.enabled=false: no run history or deletion totals are recovered");
            recovered = true;
            return;
        }
        if (worker != null) {
            worker.interrupt();
        }
        long current = generation.incrementAndGet();
        worker = new Thread(() -> recoverUntilDone(leading, current), "imageprune-run-recovery");
        worker.setDaemon(true);
        worker.start();
    }

    /** Whether the latest recovery has finished: runs may start. */
    public boolean recovered() {
        return recovered;
    }

    /** The deletions per kind over the recovery window, as of the latest recovery (empty before). */
    public DeletionHistory deletions() {
        return deletions;
    }

    /** Told the deletions of the window each time a recovery finishes, before runs may start. */
    public void onRecovered(Consumer<DeletionHistory> listener) {
        listeners.add(listener);
    }

    private void recoverUntilDone(BooleanSupplier leading, long current) {
        Duration wait = FIRST_RETRY;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                recover(leading, Instant.now(), current);
                return;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                registry.counter(FAILURES).increment();
                LOG.errorf(e, "recovering the runs from the audit topic failed; runs wait, trying again in %s", wait);
            }
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            wait = wait.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : wait.multipliedBy(2);
        }
    }

    /** One recovery as of {@code now}; package-private so that tests can run it in the foreground. */
    List<RecoveredRun> recover(BooleanSupplier leading, Instant now) throws Exception {
        return recover(leading, now, generation.get());
    }

    /** One recovery for {@code current}: a newer start supersedes it, and then it changes nothing. */
    private List<RecoveredRun> recover(BooleanSupplier leading, Instant now, long current) throws Exception {
        Instant since = now.minus(window);
        AuditLog log = reader.read(since, timeout);
        List<RecoveredRun> interrupted = new ArrayList<>();
        List<RunReport> reports = new ArrayList<>();
        for (RecoveredRun run : log.runs()) {
            if (history.started(run.runId())) {
                // this process's own run (perhaps still going): it writes its own closing event
                continue;
            }
            if (!run.completed()) {
                interrupted.add(run);
                if (leading.getAsBoolean()) {
                    complete(run);
                }
            }
            reports.add(report(run));
        }
        if (log.unsafeLinks() > 0) {
            registry.counter(UNSAFE_LINKS).increment(log.unsafeLinks());
            LOG.errorf("%d planned link(s) on the audit topic name no valid repository or digest and were skipped",
                    log.unsafeLinks());
        }
        DeletionHistory window = log.deletions(since);
        synchronized (this) {
            if (current != generation.get()) {
                // a newer start (leading anew) reads the topic again: this older read must not open the runs
                return interrupted;
            }
            history.restore(reports);
            List<UnfinishedLink> leftovers = log.unfinishedLinks().stream()
                    .filter(link -> !history.started(link.runId())).toList();
            unfinishedLinks.replace(leftovers);
            if (!leftovers.isEmpty()) {
                LOG.warnf("interrupted runs left %d repository link(s) planned after their stream writes undeleted; "
                        + "the next confirmed full run deletes them (each re-checked): %s", leftovers.size(), leftovers);
            }
            deletions = window;
            for (Consumer<DeletionHistory> listener : listeners) {
                listener.accept(window);
            }
            recovered = true;
        }
        LOG.infof("recovered %d run(s) from the audit topic since %s, %d of them interrupted%s", reports.size(),
                since, interrupted.size(), log.unreadable() == 0 ? "" : " (" + log.unreadable()
                        + " record(s) were not audit events and were skipped)");
        return interrupted;
    }

    private void complete(RecoveredRun run) {
        registry.counter(INTERRUPTED_RUNS).increment();
        LOG.warnf("run %s was interrupted (%d request(s) sent without a recorded outcome: %s); writing its "
                + "run.completed", run.runId(), run.sentWithoutOutcome().size(), run.sentWithoutOutcome());
        try {
            journal.completeInterrupted(run);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // listed all the same; the next recovery finds it still open and tries again
            registry.counter(FAILURES).increment();
            LOG.errorf(e, "could not write run.completed of the interrupted run %s", run.runId());
        }
    }

    private static RunReport report(RecoveredRun run) {
        return new RunReport(run.runId(), run.trigger() == null ? "unknown" : run.trigger(), run.state(),
                run.dryRun(), run.targets(), run.startedAt(), run.finishedAt(), run.reason(), run.stats().toString(),
                run.stats(), run.bytesReclaimed(), run.failures(), run.actions(), run.sentWithoutOutcome(),
                List.of());
    }

    @PreDestroy
    synchronized void stop() {
        if (worker != null) {
            worker.interrupt();
        }
    }
}
