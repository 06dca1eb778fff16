package io.imageprune.prune;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.policy.Eligibility;
import io.imageprune.state.LiveGraph;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where runs come from: the cron of {@code imageprune.prune.schedule} (full runs), and the graph itself — every
 * change names what it may have made prunable, now or when an age threshold passes, and a targeted pass follows after
 * the debounce.
 */
@ApplicationScoped
public class PruneTriggers {
    private static final Logger LOG = Logger.getLogger(PruneTriggers.class);
    private static final long TICK_MILLIS = 100;
    /** Refusals that pass by themselves: the targets wait for the next pass instead of being dropped. */
    private static final Set<RunRefusedException.Gate> TRANSIENT = EnumSet.of(RunRefusedException.Gate.IN_PROGRESS,
            RunRefusedException.Gate.NOT_SYNCED, RunRefusedException.Gate.LAGGING,
            RunRefusedException.Gate.NOT_LEADER);

    private final PruneRunner runner;
    private final LiveGraph live;
    private final ImagePruneConfig config;
    private static final String SCHEDULED_JOB = "imageprune-full-run";

    private final EligibilityQueue queue = new EligibilityQueue();
    private final PruneSettings settings;
    private final Scheduler scheduler;
    private ScheduledExecutorService ticker;
    private volatile String schedule;

    public PruneTriggers(PruneRunner runner, LiveGraph live, ImagePruneConfig config, PruneSettings settings,
                         Scheduler scheduler) {
        this.runner = runner;
        this.live = live;
        this.config = config;
        this.settings = settings;
        this.scheduler = scheduler;
    }

    /** Starts full runs on the configured schedule, and follows changes of it (the ImagePruner drop-in). */
    public synchronized void startSchedule() {
        settings.onChange(values -> schedule(values.schedule()));
        schedule(settings.current().schedule());
    }

    /** The schedule in force (Quartz form), or null when there is none. */
    public String schedule() {
        return schedule;
    }

    private synchronized void schedule(String expression) {
        String quartz;
        try {
            quartz = CronExpressions.toQuartz(expression);
        } catch (IllegalArgumentException e) {
            LOG.errorf("full runs are not scheduled: %s", e.getMessage());
            quartz = null;
        }
        if (java.util.Objects.equals(quartz, schedule)) {
            return;
        }
        if (scheduler.getScheduledJob(SCHEDULED_JOB) != null) {
            scheduler.unscheduleJob(SCHEDULED_JOB);
        }
        if (quartz != null) {
            scheduler.newJob(SCHEDULED_JOB).setCron(quartz)
                    .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                    .setTask(execution -> scheduledRun()).schedule();
            LOG.infof("full runs scheduled: %s", quartz);
        }
        // published once the job exists, so whoever reads it finds the job in the scheduler
        schedule = quartz;
    }

    /** Starts event-driven pruning: listens to graph changes and checks for due passes every 100 ms. */
    public synchronized void start() {
        if (ticker != null) {
            return;
        }
        live.onChange((before, after) -> {
            Duration keepYoungerThan = settings.current().keepYoungerThan();
            // called while the consumer applies the change: the graph is at hand (a re-entrant read)
            for (Eligibility.Due due : Eligibility.of(before, after, keepYoungerThan, Instant.now(),
                    image -> live.read(graph -> Set.copyOf(graph.revisionsNaming(image).keySet())))) {
                queue.add(due, Instant.now());
            }
        });
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "imageprune-prune-triggers");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    synchronized void stop() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
    }

    void tick() {
        // a lagging consumer would only get the pass refused (and recorded) every debounce: wait instead
        if (!live.synced() || live.lag() > config.prune().maxLag() || !runner.mayStart()) {
            return;
        }
        Instant now = Instant.now();
        RunTargets targets = queue.takeReady(now, config.prune().debounce());
        if (targets == null) {
            return;
        }
        try {
            runner.start(RunTrigger.EVENT, targets, null);
        } catch (RunRefusedException e) {
            if (TRANSIENT.contains(e.gate())) {
                queue.putBack(targets, now);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "targeted prune pass over %s failed to start", targets.describe());
        }
    }

    void scheduledRun() {
        try {
            runner.start(RunTrigger.SCHEDULE, RunTargets.ALL, null);
        } catch (RunRefusedException e) {
            LOG.debugf("scheduled run refused: %s", e.getMessage());
        }
    }
}
