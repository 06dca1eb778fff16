package io.imageprune.prune;

import io.imageprune.execute.ActionRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Locale;

/** Metrics of prune runs: actions by kind and outcome, bytes reclaimed, run duration, registry latency, retries, refusals. */
@ApplicationScoped
public class PruneMetrics {
    private final MeterRegistry registry;
    private final Counter bytesReclaimed;

    public PruneMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.bytesReclaimed = Counter.builder("imageprune.prune.reclaimed").baseUnit("bytes")
                .description("Layer bytes whose blobs confirmed runs deleted from the registry").register(registry);
    }

    void action(ActionRecord action, boolean dryRun) {
        Counter.builder("imageprune.prune.actions").description("Actions of prune runs by kind and outcome")
                .tag("kind", lower(action.kind().name())).tag("outcome", lower(action.outcome().name()))
                .tag("dry_run", Boolean.toString(dryRun)).register(registry).increment();
        if (!dryRun && action.outcome().succeeded()) {
            bytesReclaimed.increment(action.bytes());
        }
    }

    void run(RunTrigger trigger, String state, Duration took) {
        Timer.builder("imageprune.prune.run.duration").description("Duration of prune runs")
                .tag("trigger", trigger.label()).tag("state", lower(state)).register(registry).record(took);
    }

    void refused(RunRefusedException.Gate gate) {
        Counter.builder("imageprune.prune.refusals").description("Runs refused by a safety gate")
                .tag("gate", lower(gate.name())).register(registry).increment();
    }

    void registryCall(String operation, String result, Duration took) {
        Timer.builder("imageprune.registry.requests").description("Registry DELETE latency per attempt")
                .tag("operation", operation).tag("result", result).register(registry).record(took);
    }

    void retry(String operation) {
        Counter.builder("imageprune.registry.retries").description("Registry calls attempted again after a failure")
                .tag("operation", operation).register(registry).increment();
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
