package io.imageprune.state;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.kafka.KafkaClientConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.time.Duration;
import java.util.Map;

/**
 * Sends records the state consumer cannot read to {@code imageprune.cluster-state.dlq}, unchanged, with the reason and
 * their origin in headers, so nothing is lost and the partition moves on. A record that no longer fits once the headers
 * are added (it was close to the broker's limit) goes there truncated to its first {@value #TRUNCATED_VALUE_BYTES}
 * bytes, with its original size and SHA-256 in headers: the dead-letter topic always holds a trace of it.
 */
@ApplicationScoped
public class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    public static final String REASON_HEADER = "imageprune.reason";
    public static final String ORIGIN_HEADER = "imageprune.origin";
    /** Only on a truncated record: the value's size in bytes before truncation, in decimal. */
    public static final String ORIGINAL_SIZE_HEADER = "imageprune.original-size";
    /** Only on a truncated record: the SHA-256 of the whole value, lowercase hex. */
    public static final String ORIGINAL_SHA256_HEADER = "imageprune.original-sha256";
    /** What a truncated record keeps of its value: enough to see what it was, far below any broker's limit. */
    public static final int TRUNCATED_VALUE_BYTES = 16 * 1024;
    /** A reason quoting a huge value must not make the dead letter too large itself. */
    private static final int MAX_REASON_CHARS = 2048;

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
        String origin = record.topic() + "-" + record.partition() + "@" + record.offset();
        String shortReason = reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) + "…" : reason;
        Exception failure = deliver(deadLetter(topic, record.key(), record.value(), shortReason, origin));
        if (failure instanceof RecordTooLargeException) {
            LOG.warnf("record %s from %s is too large to dead-letter whole (%d bytes): sending its first %d bytes "
                    + "with its size and SHA-256", record.key(), origin, record.value().length, TRUNCATED_VALUE_BYTES);
            failure = deliver(truncated(topic, record.key(), record.value(), shortReason, origin));
        }
        if (failure != null) {
            LOG.errorf(failure, "could not dead-letter record %s from %s (%s)", record.key(), origin, reason);
        }
    }

    private static ProducerRecord<String, byte[]> deadLetter(String topic, String key, byte[] value, String reason,
                                                             String origin) {
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(topic, key, value);
        dead.headers().add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        dead.headers().add(ORIGIN_HEADER, origin.getBytes(StandardCharsets.UTF_8));
        return dead;
    }

    /** The record cut to its first bytes, with what identifies the whole value. */
    static ProducerRecord<String, byte[]> truncated(String topic, String key, byte[] value, String reason,
                                                    String origin) {
        ProducerRecord<String, byte[]> dead = deadLetter(topic, key,
                Arrays.copyOf(value, Math.min(value.length, TRUNCATED_VALUE_BYTES)), reason, origin);
        dead.headers().add(ORIGINAL_SIZE_HEADER, Integer.toString(value.length).getBytes(StandardCharsets.UTF_8));
        dead.headers().add(ORIGINAL_SHA256_HEADER, sha256(value).getBytes(StandardCharsets.UTF_8));
        return dead;
    }

    static String sha256(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Sends and waits for the broker's answer (as long as the producer's delivery timeout); the failure or null. */
    private Exception deliver(ProducerRecord<String, byte[]> dead) {
        Future<RecordMetadata> sent = producer.send(dead);
        producer.flush();
        try {
            sent.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof Exception cause ? cause : e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    /** Bounded: an unreachable broker must not hold up shutdown; the record stays in the state topic anyway. */
    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(1));
        }
    }
}
