package io.imageprune.prune;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.execute.ActionKind;
import io.imageprune.execute.ActionRecord;
import io.imageprune.execute.Outcome;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.state.LiveGraph;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What pruning leaves to do and how late it does it: the bytes a run would reclaim now (in total and for the top
 * namespaces), from a dry-run plan of the whole graph every {@code imageprune.prune.reclaimable-interval} while the
 * graph is synced; and the reclamation latency of every image a confirmed run deletes, from the first such plan that
 * found it prunable (or, when none had, from the start of the run that planned it) to its deletion.
 */
@ApplicationScoped
@Startup // its families are on /q/metrics from the first scrape, in every role
public class Reclamation {
    static final String RECLAIMABLE = "imageprune.prune.reclaimable";
    static final String RECLAIMABLE_BY_NAMESPACE = "imageprune.prune.reclaimable.namespace";
    static final String LATENCY = "imageprune.prune.reclamation.latency";
    /** Not {@code namespace}: Prometheus' target label of that name (the pod's namespace) would rename it. */
    static final String NAMESPACE_TAG = "image_namespace";
    private static final Logger LOG = Logger.getLogger(Reclamation.class);
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofSeconds(10), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1),
            Duration.ofDays(2), Duration.ofDays(7), Duration.ofDays(30)};

    private final LiveGraph live;
    private final PruneSettings settings;
    private final ImagePruneConfig config;
    private final PrunableSince since = new PrunableSince();
    private final AtomicLong total = new AtomicLong(-1);
    private final MultiGauge byNamespace;
    private final Timer latency;
    private volatile Instant lastPlan;

    public Reclamation(LiveGraph live, PruneSettings settings, ImagePruneConfig config, MeterRegistry registry) {
        this.live = live;
        this.settings = settings;
        this.config = config;
        Gauge.builder(RECLAIMABLE, total, AtomicLong::get).baseUnit("bytes")
                .description("Layer bytes a run would reclaim now, as of the last plan of the whole graph (-1: unknown)")
                .register(registry);
        byNamespace = MultiGauge.builder(RECLAIMABLE_BY_NAMESPACE).baseUnit("bytes")
                .description("Layer bytes a run would reclaim now, for the top " + ReclaimableBytes.TOP
                        + " namespaces and " + ReclaimableBytes.OTHER + " (-1: unknown)")
                .register(registry);
        show(Map.of(ReclaimableBytes.OTHER, -1L));
        latency = Timer.builder(LATENCY).serviceLevelObjectives(LATENCY_BUCKETS)
                .description("From the first plan that found an image prunable to its deletion by a confirmed run")
                .register(registry);
    }

    /** Plans the whole graph when the interval has passed (checked often, so a value follows soon after a sync). */
    @Scheduled(every = "15s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        Duration interval = config.prune().reclaimableInterval();
        Instant now = Instant.now();
        if (!config.state().enabled() || interval.isZero() || !live.synced()
                || (lastPlan != null && now.isBefore(lastPlan.plus(interval)))) {
            return;
        }
        try {
            plan(now);
        } catch (RuntimeException e) {
            LOG.errorf(e, "planning the whole graph for imageprune_prune_reclaimable_bytes failed");
        }
    }

    /** A dry-run plan of the whole graph with the settings of a run starting {@code now}: the numbers of now. */
    public void plan(Instant now) {
        PruneOptions options = settings.options(now);
        PruneResult plan = live.read(graph -> PruneExecutor.dryRun(Planner.of(graph, options)));
        lastPlan = now;
        if (plan.refused()) {
            // invalid references refuse every run: nothing is reclaimable until they are gone or ignored
            total.set(-1);
            show(Map.of(ReclaimableBytes.OTHER, -1L));
            return;
        }
        ReclaimableBytes bytes = ReclaimableBytes.of(plan);
        total.set(bytes.total());
        show(bytes.byNamespace());
        Set<String> prunable = new HashSet<>(plan.imageDeletions());
        since.planned(prunable, now);
    }

    /** A confirmed run that started at {@code runStart} acted: an image it deleted counts with its latency. */
    void acted(ActionRecord action, boolean dryRun, Instant runStart, Instant now) {
        if (dryRun || action.kind() != ActionKind.IMAGE || action.outcome() != Outcome.DONE) {
            return;
        }
        Instant from = since.deleted(action.target()).orElse(runStart);
        latency.record(Duration.between(from, now).isNegative() ? Duration.ZERO : Duration.between(from, now));
    }

    private void show(Map<String, Long> bytes) {
        List<MultiGauge.Row<?>> rows = bytes.entrySet().stream()
                .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of(NAMESPACE_TAG, e.getKey()), e.getValue()))
                .toList();
        byNamespace.register(rows, true);
    }
}
