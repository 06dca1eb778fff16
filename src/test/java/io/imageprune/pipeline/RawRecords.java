package io.imageprune.pipeline;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.awaitility.Awaitility.await;

/**
 * Records written to a topic as they are, bypassing the service's encoders (a value that does not decode, a
 * tombstone), and the dead-letter record the service makes of one: what the tests of bad input on the state topic
 * share.
 */
public final class RawRecords {
    private RawRecords() {
    }

    /** Sends one record and waits for its acknowledgement; a null value is a tombstone. */
    public static void send(Map<String, Object> kafka, String topic, String key, byte[] value)
            throws InterruptedException, ExecutionException {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers")),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** The first record of {@code key} on partition 0 of the dead-letter topic, waited for at most {@code wait}. */
    public static ConsumerRecord<String, byte[]> deadLetter(Map<String, Object> kafka, String dlqTopic, String key,
                                                            Duration wait) {
        List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> dlq = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers")),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(dlqTopic, 0);
            dlq.assign(List.of(partition));
            dlq.seekToBeginning(List.of(partition));
            await().atMost(wait).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(dead::add);
                return dead.stream().anyMatch(r -> key.equals(r.key()));
            });
        }
        return dead.stream().filter(r -> key.equals(r.key())).findFirst().orElseThrow();
    }
}
