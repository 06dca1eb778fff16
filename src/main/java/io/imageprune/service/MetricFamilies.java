package io.imageprune.service;

import io.imageprune.audit.AuditEvents;
import io.imageprune.audit.AuditPublisher;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.execute.ActionKind;
import io.imageprune.execute.Outcome;
import io.imageprune.ingest.IngestMetrics;
import io.imageprune.prune.ContainedReferences;
import io.imageprune.prune.LeaderElection;
import io.imageprune.prune.PruneMetrics;
import io.imageprune.prune.RunRecovery;
import io.imageprune.state.HolderMetrics;
import io.imageprune.state.LiveGraph;
import io.imageprune.state.StateMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Set;
import java.util.TreeSet;

/**
 * Registers every documented {@code imageprune_*} metric family at start, with its series known in advance at zero:
 * an alert on a counter must not wait for the counter's first increment, and a missing series must mean a missing
 * process, not a quiet one. Whatever the roles of this process, the families are the same.
 */
@ApplicationScoped
public class MetricFamilies {
    /** The number of namespaces the live graph covers: 0 for all of them, -1 when unknown. */
    public static final String SCOPE_NAMESPACES = "imageprune.state.scope.namespaces";

    void onStart(@Observes StartupEvent event, ImagePruneConfig config, MeterRegistry registry, StateMetrics state,
                 PruneMetrics prune, ContainedReferences contained, HolderMetrics holders, LiveGraph live) {
        state.registerFamilies();
        contained.registerFamilies();
        holders.registerFamilies();
        Gauge.builder(SCOPE_NAMESPACES, live, l -> l.scope().metricValue())
                .description("Namespaces the live graph covers (the newest sync marker's scope): 0 for all, -1 when "
                        + "unknown; above 0 or -1, runs delete no image (stage 2 is skipped)")
                .register(registry);
        prune.registerFamilies();
        IngestMetrics.registerFamilies(registry);
        Set<String> auditTypes = new TreeSet<>();
        for (ActionKind kind : ActionKind.values()) {
            for (Outcome outcome : Outcome.values()) {
                auditTypes.add(AuditEvents.type(kind, outcome));
            }
        }
        auditTypes.add(AuditEvents.RUN_COMPLETED);
        auditTypes.forEach(type -> Counter.builder(AuditPublisher.EVENTS).tag("type", type).register(registry));
        Counter.builder(AuditPublisher.FAILURES).register(registry);
        Counter.builder(RunRecovery.INTERRUPTED_RUNS).register(registry);
        Counter.builder(RunRecovery.FAILURES).register(registry);
        Counter.builder(RunRecovery.UNSAFE_LINKS).register(registry);
        if (!(config.state().enabled() && config.leader().enabled())) {
            // no election here (LeaderElection registers the gauge when there is one): a state role without it
            // always prunes; a process without the state role never does
            int leading = config.state().enabled() ? 1 : 0;
            Gauge.builder(LeaderElection.METRIC, () -> leading)
                    .description("1 while this replica may prune (holds the lease, or runs without election)")
                    .register(registry);
        }
    }

    /**
     * Removes this application's meters at shutdown. Quarkus' registry is Micrometer's global composite, which
     * outlives an application in the same JVM (tests, dev mode) and hands a meter already registered under the same
     * name back to the next application: its gauges would read a stopped application's objects.
     */
    void onStop(@Observes ShutdownEvent event, MeterRegistry registry) {
        registry.getMeters().stream().filter(meter -> meter.getId().getName().startsWith("imageprune."))
                .toList().forEach(registry::remove);
    }
}
