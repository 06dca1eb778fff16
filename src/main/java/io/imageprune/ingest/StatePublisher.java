package io.imageprune.ingest;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.kafka.KafkaClientConfig;
import io.imageprune.kafka.RecordSignature;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Writes projections and tombstones to the state topic: idempotent, acks from all in-sync replicas, keyed by object. */
@ApplicationScoped
public class StatePublisher {
    private static final Logger LOG = Logger.getLogger(StatePublisher.class);

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    private final String topic;
    private final Map<String, Object> kafka;
    private final MeterRegistry registry;
    private final RecordSignature signing;
    private KafkaProducer<String, byte[]> producer;
    private volatile Consumer<String> failures = why -> { };

    public StatePublisher(ImagePruneConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka,
                          MeterRegistry registry) {
        this.topic = config.kafka().topic().state();
        this.kafka = kafka;
        this.registry = registry;
        this.signing = RecordSignature.of(config.kafka().signing().keys().orElse(List.of()));
    }

    /**
     * Who is told of every record that could not be published (on the producer's thread: hand work off): the ingest,
     * which relists, since the informers never resend what they delivered once.
     */
    public void onFailure(Consumer<String> listener) {
        this.failures = listener;
    }

    /** @param value the projection, or null for a tombstone; a failure is logged, counted and reported, never thrown */
    public void publish(String key, byte[] value) {
        String what = value == null ? "tombstone" : "projection";
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        if (signing.enabled()) {
            record.headers().add(RecordSignature.HEADER, signing.sign(key, value));
        }
        try {
            producer().send(record, (metadata, error) -> {
                if (error != null) {
                    // the producer has retried until delivery.timeout.ms; the relist republishes the object
                    failed(what, key, error);
                }
            });
        } catch (KafkaException e) {
            failed(what, key, e);
        }
    }

    private void failed(String what, String key, Exception error) {
        LOG.errorf(error, "could not publish %s of %s to %s", what, key, topic);
        registry.counter(IngestMetrics.PUBLISH_FAILURES).increment();
        failures.accept("could not publish the " + what + " of " + key + ": " + error);
    }

    /** Waits until every record sent so far is acknowledged. */
    public void flush() {
        producer().flush();
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> props = KafkaClientConfig.producer(kafka, Map.of(ProducerConfig.LINGER_MS_CONFIG, 5));
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /**
     * Records not acknowledged by then are dropped: the next start's listing publishes every object again (and
     * tombstones what is gone), while an unbounded close would wait out the delivery timeout of an unreachable broker.
     */
    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(CLOSE_TIMEOUT);
        }
    }
}
