package io.imageprune.pipeline;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.ingest.StatePublisher;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.projection.SyncMarker;
import io.imageprune.snapshot.SnapshotLoader;
import io.imageprune.snapshot.SnapshotSink;
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

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The gate of issue 10's messaging item, measured in one JVM against one in-process broker: the ingest's publishing
 * through today's producer ({@link StatePublisher}) and through the connector's emitter ({@link EmitterStatePublisher}),
 * each three times, alternating (so JIT warm-up favours neither), signed like a cluster with a signing key; then the
 * state consumer's replay of the topic from the beginning, three times. Prints records/s and the medians.
 * {@code ./mvnw -B -o test -Dtest=KafkaThroughputBenchTest -Dkafka-bench.snapshot=FILE} with a snapshot from
 * {@code gen_cluster.py --size large --seed 1 --format list}.
 */
@QuarkusTest
@TestProfile(KafkaThroughputBenchTest.Bench.class)
@EnabledIfSystemProperty(named = "kafka-bench.snapshot", matches = ".+")
class KafkaThroughputBenchTest {
    private static final String SIGNING_KEY = "YmVuY2htYXJrLXNpZ25pbmcta2V5LW9mLTMyLWJ5dGVzIQ==";
    private static final String PRODUCER_TOPIC = "imageprune.bench-producer";
    private static final String EMITTER_TOPIC = "imageprune.bench-emitter";
    private static final Duration WAIT = Duration.ofMinutes(10);

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
        StatePublisher producer = new StatePublisher(benchConfig(), kafka, new SimpleMeterRegistry());
        double[] producerRates = new double[3];
        double[] emitterRates = new double[3];
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                producer.publish(keys.get(i), values.get(i));
            }
            producer.flush();
            producerRates[run] = rate(n, start);
            start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                emitter.publish(keys.get(i), values.get(i));
            }
            await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(emitter::settled);
            emitterRates[run] = rate(n, start);
            System.out.printf("BENCH publish run %d: producer %.0f records/s, emitter %.0f records/s (%d records)%n",
                    run + 1, producerRates[run], emitterRates[run], n);
        }
        assertEquals(0, emitter.failures(), "every emitted record acknowledged");

        // the state topic for the replays: the records once, then the marker that makes the graph synced
        for (int i = 0; i < n; i++) {
            statePublisher.publish(keys.get(i), values.get(i));
        }
        statePublisher.flush();
        SyncMarker marker = new SyncMarker("bench", System.currentTimeMillis(), Instant.now(), loaded);
        statePublisher.publish(marker.key(), new ProjectionCodec().encode(marker));
        statePublisher.flush();
        await().atMost(WAIT).until(live::synced);
        double[] replayRates = new double[3];
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            consumer.restart();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(live::synced);
            replayRates[run] = rate(n + 1, start);
            System.out.printf("BENCH replay run %d: %.0f records/s (%d records, restart to synced)%n", run + 1,
                    replayRates[run], n + 1);
        }
        System.out.printf("BENCH medians: producer %.0f, emitter %.0f (%.1f %%), plain consumer replay %.0f records/s%n",
                median(producerRates), median(emitterRates),
                100.0 * (median(emitterRates) - median(producerRates)) / median(producerRates), median(replayRates));
    }

    private static Map<String, Integer> load(Path snapshot, List<String> keys, List<byte[]> values) {
        ProjectionCodec codec = new ProjectionCodec();
        return new SnapshotLoader().load(snapshot, new SnapshotSink() {
            private void add(Object object) {
                keys.add(ProjectionKeys.of(object));
                values.add(codec.encode(object));
            }

            @Override
            public void image(Image image) {
                add(image);
            }

            @Override
            public void imageStream(ImageStream stream) {
                add(stream);
            }

            @Override
            public void referrer(Referrer referrer) {
                add(referrer);
            }

            @Override
            public void limitRange(LimitRange limitRange) {
                add(limitRange);
            }
        }).loaded();
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

    private static double rate(int records, long startNanos) {
        return records * 1e9 / (System.nanoTime() - startNanos);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
