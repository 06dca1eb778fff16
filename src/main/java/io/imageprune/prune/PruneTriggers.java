package io.imageprune.prune;

import io.imageprune.cli.GoDuration;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.policy.Eligibility;
import io.imageprune.state.LiveGraph;
import io.quarkus.scheduler.Scheduled;
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
    private final EligibilityQueue queue = new EligibilityQueue();
    private final Duration keepYoungerThan;
    private ScheduledExecutorService ticker;

    public PruneTriggers(PruneRunner runner, LiveGraph live, ImagePruneConfig config) {
        this.runner = runner;
        this.live = live;
        this.config = config;
        this.keepYoungerThan = GoDuration.parse(config.plan().keepYoungerThan());
    }

    /** Starts event-driven pruning: listens to graph changes and checks for due passes every 100 ms. */
    public synchronized void start() {
        if (ticker != null) {
            return;
        }
        live.onChange((before, after) -> {
            for (Eligibility.Due due : Eligibility.of(before, after, keepYoungerThan, Instant.now())) {
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
        if (!live.synced() || !runner.mayStart()) {
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

    @Scheduled(identity = "imageprune-full-run", cron = "${imageprune.prune.schedule}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledRun() {
        try {
            runner.start(RunTrigger.SCHEDULE, RunTargets.ALL, null);
        } catch (RunRefusedException e) {
            LOG.debugf("scheduled run refused: %s", e.getMessage());
        }
    }
}
