package io.imageprune.cli;

import io.imageprune.kafka.RecordSignature;
import io.imageprune.model.LimitRange;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.projection.SyncMarker;
import io.imageprune.snapshot.SnapshotLoader;
import io.imageprune.snapshot.SnapshotSink;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code publish}'s bulk writer against a real broker: every object of the snapshot arrives once, signed, encoded by
 * several threads, with the sync marker after all of them; a broker that is not there fails it with a message,
 * never silently.
 */
class SnapshotPublisherTest {
    private static final InProcessKafka KAFKA = new InProcessKafka();
    private static String bootstrap;

    @BeforeAll
    static void start() {
        bootstrap = KAFKA.start().get("kafka.bootstrap.servers");
    }

    @AfterAll
    static void stop() {
        KAFKA.stop();
    }

    @Test
    void everyObjectOnceSignedThenTheMarkerLast() throws Exception {
        String topic = "publish-test";
        RecordSignature signing = RecordSignature.of(List.of(Base64.getEncoder().encodeToString(new byte[32])));
        List<Object> objects = new ArrayList<>();
        new SnapshotLoader().load(Path.of("examples/cluster.json"), SnapshotSink.everyObject(objects::add));
        SyncMarker marker = new SyncMarker("test", 1L, Instant.parse("2025-01-15T12:00:00Z"), Map.of());
        try (SnapshotPublisher publisher = new SnapshotPublisher(topic, Map.of("bootstrap.servers", bootstrap),
                signing)) {
            // many times over, so that every encoder thread and several batches take part
            for (int round = 0; round < 20; round++) {
                objects.forEach(publisher::add);
            }
            assertEquals(20L * objects.size(), publisher.finish());
            publisher.sendLast(marker.key(), new ProjectionCodec().encode(marker));
        }

        List<ConsumerRecord<String, byte[]>> records = readAll(topic);
        assertEquals(20 * objects.size() + 1, records.size());
        Set<String> keys = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            keys.add(record.key());
            assertEquals(RecordSignature.Verdict.VALID, signing.verify(record.key(), record.value(),
                    record.headers().lastHeader(RecordSignature.HEADER).value()), record.key());
        }
        Set<String> expected = new HashSet<>();
        objects.forEach(o -> expected.add(ProjectionKeys.of(o)));
        expected.add(marker.key());
        assertEquals(expected, keys);
        assertEquals(marker.key(), records.get(records.size() - 1).key(), "the marker after every object");
        assertTrue(new ProjectionCodec().decode(marker.key(), records.get(records.size() - 1).value())
                instanceof SyncMarker);
    }

    @Test
    void aBrokerThatIsNotThereFailsThePublish() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Map<String, Object> kafka = Map.of("bootstrap.servers", "127.0.0.1:" + closed,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000, ProducerConfig.LINGER_MS_CONFIG, 0);
        SnapshotPublisher.PublishException failure;
        try (SnapshotPublisher publisher = new SnapshotPublisher("nowhere", kafka, RecordSignature.disabled())) {
            publisher.add(new LimitRange("ns", "limits", List.of()));
            failure = assertThrows(SnapshotPublisher.PublishException.class, publisher::finish);
        }
        assertNotNull(failure.getMessage());
        assertTrue(failure.getMessage().contains("ns") || failure.getMessage().contains("cannot publish"),
                failure.getMessage());
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
