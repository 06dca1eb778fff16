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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;

/** Writes projections and tombstones to the state topic: idempotent, acks from all in-sync replicas, keyed by object. */
@ApplicationScoped
public class StatePublisher {
    private static final Logger LOG = Logger.getLogger(StatePublisher.class);

    private final String topic;
    private final Map<String, Object> kafka;
    private final MeterRegistry registry;
    private final RecordSignature signing;
    private KafkaProducer<String, byte[]> producer;

    public StatePublisher(ImagePruneConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka,
                          MeterRegistry registry) {
        this.topic = config.kafka().topic().state();
        this.kafka = kafka;
        this.registry = registry;
        this.signing = RecordSignature.of(config.kafka().signing().keys().orElse(List.of()));
    }

    /** @param value the projection, or null for a tombstone */
    public void publish(String key, byte[] value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        if (signing.enabled()) {
            record.headers().add(RecordSignature.HEADER, signing.sign(key, value));
        }
        producer().send(record, (metadata, error) -> {
            if (error != null) {
                // the producer has retried until delivery.timeout.ms; the next relist republishes the object
                LOG.errorf(error, "could not publish %s of %s to %s", value == null ? "tombstone" : "projection",
                        key, topic);
                registry.counter(IngestMetrics.PUBLISH_FAILURES).increment();
            }
        });
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

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
