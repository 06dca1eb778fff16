package io.imageprune.state;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.kafka.KafkaClientConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Sends records the state consumer cannot read to {@code imageprune.cluster-state.dlq}, unchanged, with the reason and
 * their origin in headers, so nothing is lost and the partition moves on.
 */
@ApplicationScoped
public class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    public static final String REASON_HEADER = "imageprune.reason";
    public static final String ORIGIN_HEADER = "imageprune.origin";

    private final String topic;
    private final Map<String, Object> kafka;
    private KafkaProducer<String, byte[]> producer;

    public DeadLetters(ImagePruneConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.topic = config.kafka().topic().dlq();
        this.kafka = kafka;
    }

    public synchronized void send(ConsumerRecord<String, byte[]> record, String reason) {
        if (producer == null) {
            producer = new KafkaProducer<>(KafkaClientConfig.producer(kafka, Map.of()), new StringSerializer(),
                    new ByteArraySerializer());
        }
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(topic, record.key(), record.value());
        dead.headers().add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        dead.headers().add(ORIGIN_HEADER, (record.topic() + "-" + record.partition() + "@" + record.offset())
                .getBytes(StandardCharsets.UTF_8));
        producer.send(dead, (metadata, error) -> {
            if (error != null) {
                LOG.errorf(error, "could not dead-letter record %s from %s-%d@%d (%s)", record.key(), record.topic(),
                        record.partition(), record.offset(), reason);
            }
        });
        producer.flush();
    }

    /** Bounded: an unreachable broker must not hold up shutdown; the record stays in the state topic anyway. */
    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(1));
        }
    }
}
