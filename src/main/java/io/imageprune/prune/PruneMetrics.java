package io.imageprune.prune;

import io.imageprune.execute.ActionKind;
import io.imageprune.execute.ActionRecord;
import io.imageprune.execute.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Metrics of prune runs: actions by kind and outcome, bytes reclaimed, run duration, registry latency, retries, refusals. */
@ApplicationScoped
public class PruneMetrics {
    /** The registry calls PruneRunner times and retries, by the names it gives them. */
    private static final List<String> REGISTRY_OPERATIONS = List.of("layer link", "manifest link", "blob");
    private static final List<String> REGISTRY_RESULTS = List.of("success", "retryable", "failure");
    /** From a targeted pass over one stream to a full run of a large cluster. */
    private static final Duration[] RUN_DURATION_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
            Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1),
            Duration.ofHours(3)};
    private final MeterRegistry registry;
    private final Counter bytesReclaimed;

    public PruneMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.bytesReclaimed = Counter.builder("imageprune.prune.reclaimed").baseUnit("bytes")
                .description("Layer bytes whose blobs confirmed runs deleted from the registry").register(registry);
    }

    /**
     * Registers every series known in advance at zero, so that dashboards and alerts see the families from the
     * first scrape, not after the first run.
     */
    public void registerFamilies() {
        for (ActionKind kind : ActionKind.values()) {
            for (Outcome outcome : Outcome.values()) {
                actions(kind, outcome, true);
                actions(kind, outcome, false);
            }
        }
        for (RunTrigger trigger : RunTrigger.values()) {
            for (PruneRun.State state : PruneRun.State.values()) {
                runDuration(trigger, state.name());
            }
        }
        for (RunRefusedException.Gate gate : RunRefusedException.Gate.values()) {
            refusals(gate);
        }
        for (String operation : REGISTRY_OPERATIONS) {
            for (String result : REGISTRY_RESULTS) {
                registryRequests(operation, result);
            }
            retries(operation);
        }
    }

    void action(ActionRecord action, boolean dryRun) {
        actions(action.kind(), action.outcome(), dryRun).increment();
        if (!dryRun && action.outcome().succeeded()) {
            bytesReclaimed.increment(action.bytes());
        }
    }

    void run(RunTrigger trigger, String state, Duration took) {
        runDuration(trigger, state).record(took);
    }

    void refused(RunRefusedException.Gate gate) {
        refusals(gate).increment();
    }

    void registryCall(String operation, String result, Duration took) {
        registryRequests(operation, result).record(took);
    }

    void retry(String operation) {
        retries(operation).increment();
    }

    private Counter actions(ActionKind kind, Outcome outcome, boolean dryRun) {
        return Counter.builder("imageprune.prune.actions").description("Actions of prune runs by kind and outcome")
                .tag("kind", lower(kind.name())).tag("outcome", lower(outcome.name()))
                .tag("dry_run", Boolean.toString(dryRun)).register(registry);
    }

    private Timer runDuration(RunTrigger trigger, String state) {
        return Timer.builder("imageprune.prune.run.duration").description("Duration of prune runs")
                .serviceLevelObjectives(RUN_DURATION_BUCKETS)
                .tag("trigger", trigger.label()).tag("state", lower(state)).register(registry);
    }

    private Counter refusals(RunRefusedException.Gate gate) {
        return Counter.builder("imageprune.prune.refusals").description("Runs refused by a safety gate")
                .tag("gate", lower(gate.name())).register(registry);
    }

    private Timer registryRequests(String operation, String result) {
        return Timer.builder("imageprune.registry.requests").description("Registry DELETE latency per attempt")
                .tag("operation", operation).tag("result", result).register(registry);
    }

    private Counter retries(String operation) {
        return Counter.builder("imageprune.registry.retries")
                .description("Registry calls attempted again after a failure").tag("operation", operation)
                .register(registry);
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
