package io.imageprune.state;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.projection.ProjectionException;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/** Metrics of the state consumer: records applied per kind and operation, apply latency, lag, bad records. */
@ApplicationScoped
public class StateMetrics {
    private final MeterRegistry registry;
    private static final List<String> KINDS = List.of("Image", "ImageStream", "LimitRange", "Pod",
            "ReplicationController", "DeploymentConfig", "ReplicaSet", "Deployment", "DaemonSet", "Build",
            "BuildConfig", "StatefulSet", "Job", "CronJob");
    private final Map<String, Counter> applied = new ConcurrentHashMap<>();
    private final Map<String, Counter> bad = new ConcurrentHashMap<>();
    private final Timer batchApply;
    /** The outcome of the last read of the end offsets, for logging only its changes. */
    private final AtomicInteger lastRead = new AtomicInteger(-1);
    private final LiveGraph live;
    private final int configuredPartitions;
    private final Set<Integer> partitionsRegistered = ConcurrentHashMap.newKeySet();

    public StateMetrics(MeterRegistry registry, LiveGraph live, ImagePruneConfig config) {
        this.registry = registry;
        this.live = live;
        this.configuredPartitions = config.kafka().topic().partitions();
        this.batchApply = Timer.builder("imageprune.state.apply").description("Time to apply one polled batch")
                .register(registry);
        Gauge.builder("imageprune.state.lag", live, LiveGraph::lag)
                .description("Records of the state topic not applied yet (-1: unknown)").register(registry);
        Gauge.builder("imageprune.state.synced", live, l -> l.synced() ? 1 : 0)
                .description("1 when the graph has caught up with the topic and the ingest's sync marker, and is fresh")
                .register(registry);
        Gauge.builder("imageprune.state.identities.invalid", live,
                        l -> l.read(graph -> graph.unsafeIdentityCount()))
                .description("Images and streams in the live graph whose identity is not safe in a URL (treated as "
                        + "invalid references)").register(registry);
        Gauge.builder("imageprune.state.unreadable.keys", live, LiveGraph::unreadableKeyCount)
                .description("State keys whose newest record cannot be read and is not acknowledged (the graph is not "
                        + "synced while above 0)").register(registry);
        Gauge.builder("imageprune.state.staleness", live, LiveGraph::stalenessSeconds).baseUnit("seconds")
                .description("Time since the consumer last read the state topic's end offsets (-1: never)")
                .register(registry);
        Gauge.builder("imageprune.state.marker.age", live, LiveGraph::markerAgeSeconds).baseUnit("seconds")
                .description("Age of the newest sync marker without a fault (-1: none read)").register(registry);
        // from the graph's freshness, not from the reads alone: a broker down since the start is 0 after max-staleness
        Gauge.builder("imageprune.state.kafka.connected", live, LiveGraph::kafkaConnected)
                .description("1 while the state consumer reads the state topic's end offsets, 0 while Kafka is "
                        + "unreachable (also since the start), -1 before the first attempt").register(registry);
        for (String kind : KINDS) {
            Gauge.builder("imageprune.state.objects", live, l -> l.objectsPerKind().getOrDefault(kind, 0))
                    .tag("kind", kind).description("Objects in the live graph").register(registry);
        }
    }

    /**
     * Registers every series known in advance at zero, so that dashboards and alerts see the families from the
     * first scrape, not after the first record of each kind.
     */
    public void registerFamilies() {
        for (String kind : KINDS) {
            for (RecordApplier.Outcome outcome : List.of(RecordApplier.Outcome.PUT, RecordApplier.Outcome.REMOVED,
                    RecordApplier.Outcome.ABSENT)) {
                appliedCounter(kind, outcome);
            }
        }
        appliedCounter("SyncMarker", RecordApplier.Outcome.SYNC_MARKER);
        badCounter(ProjectionException.class.getSimpleName());
        UntrustedRecordException.reasons().forEach(this::badCounter);
        // the partitions the topic is created with; a topic made elsewhere with more adds its own when assigned
        partitions(IntStream.range(0, configuredPartitions).boxed().toList());
    }

    /**
     * The lag of each partition of the state topic the consumer reads (-1 until known). Bounded by the topic's
     * partition count: a series per partition ever assigned, never removed (a partition is never removed either).
     */
    void partitions(List<Integer> partitions) {
        for (int partition : partitions) {
            if (partitionsRegistered.add(partition)) {
                Gauge.builder("imageprune.state.partition.lag", live, l -> l.lag(partition))
                        .tag("partition", Integer.toString(partition))
                        .description("Records of one partition of the state topic not applied yet (-1: unknown)")
                        .register(registry);
            }
        }
    }

    void applied(String kind, RecordApplier.Outcome outcome) {
        appliedCounter(kind, outcome).increment();
    }

    void bad(String reason) {
        badCounter(reason).increment();
    }

    private Counter appliedCounter(String kind, RecordApplier.Outcome outcome) {
        return applied.computeIfAbsent(kind + "/" + outcome, k -> Counter.builder("imageprune.state.records")
                .tag("kind", kind).tag("operation", outcome.name().toLowerCase())
                .description("State records applied").register(registry));
    }

    private Counter badCounter(String reason) {
        return bad.computeIfAbsent(reason, r -> Counter.builder("imageprune.state.records.bad").tag("reason", r)
                .description("State records that could not be read (sent to the dead-letter topic)")
                .register(registry));
    }

    /** Records whether the broker answered; true when that changed. */
    boolean kafkaReachable(boolean reachable) {
        int now = reachable ? 1 : 0;
        return lastRead.getAndSet(now) != now;
    }

    Timer batchApply() {
        return batchApply;
    }
}
