package io.imageprune.pipeline;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.kafka.RecordSignature;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ingest's publishing as the connector's emitter would do it (keyed {@link Record}s, a null value for a
 * tombstone, the signature header), for {@link KafkaThroughputBenchTest} to hold against today's
 * {@link io.imageprune.ingest.StatePublisher}. Exists only in that benchmark's build, so no other test opens its channel.
 */
@ApplicationScoped
@IfBuildProperty(name = "kafka-bench.emitter", stringValue = "true")
public class EmitterStatePublisher {
    static final String CHANNEL = "imageprune-bench-state";

    private final Emitter<Record<String, byte[]>> emitter;
    private final RecordSignature signing;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public EmitterStatePublisher(@Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
                                 Emitter<Record<String, byte[]>> emitter, ImagePruneConfig config) {
        this.emitter = emitter;
        this.signing = RecordSignature.of(config.kafka().signing().keys().orElse(List.of()));
    }

    void publish(String key, byte[] value) {
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> metadata =
                OutgoingKafkaRecordMetadata.<String>builder().withKey(key);
        if (signing.enabled()) {
            metadata.withHeaders(List.of(new RecordHeader(RecordSignature.HEADER, signing.sign(key, value))));
        }
        sent.incrementAndGet();
        emitter.send(Message.of(Record.of(key, value), Metadata.of(metadata.build()), () -> {
            done.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }, error -> {
            failed.incrementAndGet();
            done.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }));
    }

    /** Every record sent so far acknowledged or failed. */
    boolean settled() {
        return done.get() == sent.get();
    }

    long failures() {
        return failed.get();
    }
}
