package io.imageprune.pipeline;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.ingest.StatePublisher;
import io.imageprune.model.Image;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.projection.SyncMarker;
import io.imageprune.snapshot.SnapshotLoader;
import io.imageprune.snapshot.SnapshotSink;
import io.imageprune.state.ChannelStateConsumer;
import io.imageprune.state.LiveGraph;
import io.imageprune.state.StateConsumer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gates of issue 10's messaging item, measured in one JVM against one in-process broker: the ingest's publishing
 * through today's producer ({@link StatePublisher}) and through the connector's emitter ({@link EmitterStatePublisher}),
 * each three times, alternating (so JIT warm-up favours neither), signed like a cluster with a signing key; then the
 * replay of the state topic from the beginning to synced by today's consumer ({@link StateConsumer}) and by an incoming
 * channel of the connector ({@link ChannelStateConsumer}), three times each, alternating. Prints records/s, the
 * medians and the machine's load average before and after (the machine may be shared).
 * {@code ./mvnw -B -o test -Dtest=KafkaThroughputBenchTest -Dkafka-bench.snapshot=FILE} with a snapshot from
 * {@code bench/gen-cluster.sh medium FILE}; {@code -Dkafka-bench.publish=false} measures the replays alone.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@TestProfile(KafkaThroughputBenchTest.Bench.class)
@EnabledIfSystemProperty(named = "kafka-bench.snapshot", matches = ".+")
class KafkaThroughputBenchTest {
    private static final String SIGNING_KEY = "YmVuY2htYXJrLXNpZ25pbmcta2V5LW9mLTMyLWJ5dGVzIQ==";
    private static final String PRODUCER_TOPIC = "imageprune.bench-producer";
    private static final String EMITTER_TOPIC = "imageprune.bench-emitter";
    private static final Duration WAIT = Duration.ofMinutes(Long.getLong("kafka-bench.wait-minutes", 10));

    public static class Bench implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            config.put("imageprune.kafka.signing.keys", SIGNING_KEY);
            // no ingest writes heartbeat markers here: the one marker must count for every replay
            config.put("imageprune.state.max-marker-age", "1h");
            config.put("kafka-bench.emitter", "true");
            String channel = "mp.messaging.outgoing." + EmitterStatePublisher.CHANNEL + ".";
            config.put(channel + "connector", "smallrye-kafka");
            config.put(channel + "topic", EMITTER_TOPIC);
            config.put(channel + "key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            config.put(channel + "value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
            // StatePublisher's tuning
            config.put(channel + "acks", "all");
            config.put(channel + "linger.ms", "5");
            config.put("kafka-bench.channel", "true");
            String incoming = "mp.messaging.incoming." + ChannelStateConsumer.CHANNEL + ".";
            config.put(incoming + "connector", "smallrye-kafka");
            config.put(incoming + "topic", "${imageprune.kafka.topic.state:imageprune.cluster-state}");
            config.put(incoming + "batch", "true");
            // every partition of a state topic made by imageprune (3 by default), from its beginning, no group
            config.put(incoming + "assign-seek", "0:0,1:0,2:0");
            config.put(incoming + "commit-strategy", "ignore");
            config.put(incoming + "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
            config.put(incoming + "value.deserializer",
                    "org.apache.kafka.common.serialization.ByteArrayDeserializer");
            // StateConsumer's tuning
            config.put(incoming + "auto.offset.reset", "earliest");
            config.put(incoming + "max.poll.records", "5000");
            config.put(incoming + "max.partition.fetch.bytes", Integer.toString(8 * 1024 * 1024));
            return config;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(StateOnlyKafka.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    /** The broker, and the state role alone (no cluster to watch). */
    public static class StateOnlyKafka extends InProcessKafka {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            config.put("imageprune.ingest.enabled", "false");
            return config;
        }
    }

    @Inject
    StatePublisher statePublisher;
    @Inject
    EmitterStatePublisher emitter;
    @Inject
    StateConsumer consumer;
    @Inject
    ChannelStateConsumer channelConsumer;
    @Inject
    LiveGraph live;
    @Inject
    ImagePruneConfig config;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Test
    void publishThroughProducerAndEmitterThenReplay() throws Exception {
        List<String> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        Map<String, Integer> loaded = load(Path.of(System.getProperty("kafka-bench.snapshot")), keys, values);
        int n = keys.size();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.get("bootstrap.servers")))) {
            int partitions = config.kafka().topic().partitions();
            admin.createTopics(List.of(new NewTopic(PRODUCER_TOPIC, partitions, (short) 1),
                    new NewTopic(EMITTER_TOPIC, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        System.out.printf("BENCH load average before: %s%n", loadAverage());
        if (Boolean.parseBoolean(System.getProperty("kafka-bench.publish", "true"))) {
            comparePublishing(keys, values);
        }

        // the state topic exists (the consumer made it): the channel assigns its partitions now
        await().atMost(WAIT).until(() -> live.kafkaConnected() == 1);
        channelConsumer.restart();
        // the state topic for the replays: the records once, then the marker that makes the graph synced
        for (int i = 0; i < n; i++) {
            statePublisher.publish(keys.get(i), values.get(i));
        }
        statePublisher.flush();
        SyncMarker marker = new SyncMarker("bench", System.currentTimeMillis(), Instant.now(), loaded);
        statePublisher.publish(marker.key(), new ProjectionCodec().encode(marker));
        statePublisher.flush();
        await().atMost(WAIT).untilAsserted(() -> assertTrue(live.synced(), "consumer: " + live.notSyncedReason()));
        await().atMost(WAIT).untilAsserted(() -> assertTrue(channelConsumer.synced(),
                "channel: " + channelConsumer.notSyncedReason()));
        assertEquals(live.objectsPerKind(), channelConsumer.objectsPerKind(), "the same graph");
        double[] plainRates = new double[3];
        double[] channelRates = new double[3];
        for (int run = 0; run < 3; run++) {
            plainRates[run] = timed(n + 1, () -> replay(consumer::restart, live::synced, live::notSyncedReason));
            channelRates[run] = timed(n + 1, () -> replay(channelConsumer::restart, channelConsumer::synced,
                    channelConsumer::notSyncedReason));
            System.out.printf("BENCH replay run %d (restart to synced, %d records): plain consumer %.0f records/s, "
                    + "channel %.0f records/s%n", run + 1, n + 1, plainRates[run], channelRates[run]);
        }
        assertEquals(loaded.get("Image"), live.objectsPerKind().get("Image"), "every image replayed");
        assertEquals(live.objectsPerKind(), channelConsumer.objectsPerKind(), "the same graph both ways");
        System.out.printf("BENCH replay medians: plain consumer %.0f, channel %.0f records/s (%+.1f %%)%n",
                median(plainRates), median(channelRates), change(plainRates, channelRates));
        System.out.printf("BENCH load average after: %s%n", loadAverage());
    }

    private void comparePublishing(List<String> keys, List<byte[]> values) {
        int n = keys.size();
        StatePublisher producer = new StatePublisher(benchConfig(), kafka, new SimpleMeterRegistry());
        double[] producerRates = new double[3];
        double[] emitterRates = new double[3];
        for (int run = 0; run < 3; run++) {
            producerRates[run] = timed(n, () -> {
                for (int i = 0; i < n; i++) {
                    producer.publish(keys.get(i), values.get(i));
                }
                producer.flush();
            });
            emitterRates[run] = timed(n, () -> {
                for (int i = 0; i < n; i++) {
                    emitter.publish(keys.get(i), values.get(i));
                }
                await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(emitter::settled);
            });
            System.out.printf("BENCH publish run %d: producer %.0f records/s, emitter %.0f records/s (%d records)%n",
                    run + 1, producerRates[run], emitterRates[run], n);
        }
        assertEquals(0, emitter.failures(), "every emitted record acknowledged");
        System.out.printf("BENCH publish medians: producer %.0f, emitter %.0f records/s (%+.1f %%)%n",
                median(producerRates), median(emitterRates), change(producerRates, emitterRates));
    }

    private static Map<String, Integer> load(Path snapshot, List<String> keys, List<byte[]> values) {
        ProjectionCodec codec = new ProjectionCodec();
        return new SnapshotLoader().load(snapshot, SnapshotSink.everyObject(object -> {
            keys.add(ProjectionKeys.of(object));
            values.add(codec.encode(object));
        })).loaded();
    }

    /** The service's configuration with the producer's own topic, for a StatePublisher beside the service's. */
    private static ImagePruneConfig benchConfig() {
        SmallRyeConfig built = new SmallRyeConfigBuilder()
                .withMapping(ImagePruneConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValue("imageprune.kafka.topic.state", PRODUCER_TOPIC)
                .withDefaultValue("imageprune.kafka.signing.keys", SIGNING_KEY)
                .build();
        return built.getConfigMapping(ImagePruneConfig.class);
    }

    /** The one measuring loop of every comparison here: records/s of {@code work}, wall time. */
    private static double timed(int records, Runnable work) {
        long start = System.nanoTime();
        work.run();
        return records * 1e9 / (System.nanoTime() - start);
    }

    /** A replay from the beginning to synced, as a restarted pod does it. */
    private static void replay(Runnable restart, BooleanSupplier synced, Supplier<String> notSyncedReason) {
        restart.run();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
                .untilAsserted(() -> assertTrue(synced.getAsBoolean(), notSyncedReason.get()));
    }

    /** How the second's median differs from the first's, in percent of the first. */
    private static double change(double[] before, double[] after) {
        return 100.0 * (median(after) - median(before)) / median(before);
    }

    /** The 1, 5 and 15 minute load averages and the CPUs, as the kernel gives them. */
    private static String loadAverage() {
        try {
            String[] load = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return load[0] + " " + load[1] + " " + load[2] + " on " + Runtime.getRuntime().availableProcessors()
                    + " CPUs";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
