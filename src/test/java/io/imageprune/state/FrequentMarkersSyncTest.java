package io.imageprune.state;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.model.NamespaceScope;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.SyncMarker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sync barrier with an ingest that writes markers faster than the consumer reads the end offsets (a short
 * heartbeat, or a consumer slowed by a long plan holding the graph): a new marker lands between applying one and
 * reading the end offsets. The barrier waits on the marker's partition only for what precedes the marker, so the
 * graph syncs; before, it took the end offsets as the target, which the next marker had already moved past, and the
 * graph stayed "catching up" for as long as the markers came (found as the lost-watch relist test's flakiness).
 */
class FrequentMarkersSyncTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void markersWrittenFasterThanTheEndOffsetsAreReadStillLetTheGraphSync() throws Exception {
        InProcessKafka broker = new InProcessKafka();
        Map<String, Object> kafka = Map.of("bootstrap.servers", broker.start().get("kafka.bootstrap.servers"));
        ImagePruneConfig config = config();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        Thread ingest = new Thread(() -> writeMarkers(config, kafka, writing, written), "markers");
        StateConsumer consumer = null;
        try {
            new Topics(config, kafka).ensure();
            ingest.start();
            LiveGraph live = new LiveGraph(config);
            consumer = new StateConsumer(config, live, kafka, new Topics(config, kafka),
                    new DeadLetters(config, kafka), new StateMetrics(new SimpleMeterRegistry(), live, config));
            await().atMost(WAIT).until(() -> written.get() > 100);
            consumer.start();
            await().atMost(WAIT).until(live::synced);
            assertTrue(ingest.isAlive() && written.get() > 100, "markers were still being written: " + written);
        } finally {
            writing.set(false);
            ingest.join(10_000);
            if (consumer != null) {
                consumer.shutDown(Duration.ofSeconds(10));
            }
            broker.stop();
        }
    }

    /** One marker of the same listing every 2 ms, each acknowledged before the next, as a heartbeat writes them. */
    private static void writeMarkers(ImagePruneConfig config, Map<String, Object> kafka, AtomicBoolean writing,
                                     AtomicLong written) {
        ProjectionCodec codec = new ProjectionCodec();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            while (writing.get()) {
                SyncMarker marker = new SyncMarker("fast-ingest", 1, Instant.now(), Map.of())
                        .withScope(NamespaceScope.ALL);
                producer.send(new ProducerRecord<>(config.kafka().topic().state(), marker.key(), codec.encode(marker)))
                        .get();
                written.incrementAndGet();
                Thread.sleep(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ImagePruneConfig config() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ImagePruneConfig.class)
                // the mapping's defaults use Quarkus's short duration form ("200ms")
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValue("imageprune.ingest.enabled", "false")
                .withDefaultValue("imageprune.kafka.topic.partitions", "1")
                .build();
        return config.getConfigMapping(ImagePruneConfig.class);
    }
}
