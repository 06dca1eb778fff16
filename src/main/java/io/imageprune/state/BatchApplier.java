package io.imageprune.state;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.kafka.RecordSignature;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.projection.SyncMarker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;

/**
 * What the state consumer does with the records of one poll: each is checked (key, signature), decoded and applied to
 * the {@link LiveGraph} under one write lock; one that cannot be read is logged, counted, reported to
 * {@link UnreadableKeys} and dead-lettered, and never stops the batch. Apart from the consumer so that every way of
 * reading the topic (today's consumer, a connector channel measured against it) applies records the same way.
 */
final class BatchApplier {
    /** The consumer's category: what an operator filters on for its unreadable records. */
    private static final Logger LOG = Logger.getLogger(StateConsumer.class);

    private final String deadLetterTopic;
    private final LiveGraph live;
    private final DeadLetters deadLetters;
    private final StateMetrics metrics;
    private final RecordApplier applier;
    private final RecordSignature signing;

    BatchApplier(ImagePruneConfig config, LiveGraph live, DeadLetters deadLetters, StateMetrics metrics) {
        this.deadLetterTopic = config.kafka().topic().dlq();
        this.live = live;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.applier = new RecordApplier(new ProjectionCodec(), live::changed, live.unreadableKeys());
        this.signing = RecordSignature.of(config.kafka().signing().keys().orElse(List.of()));
    }

    /**
     * A sync marker applied from a record, the record's timestamp (the marker's age is measured from it) and where
     * the record is (everything published before it on its partition is below its offset).
     */
    record SeenMarker(SyncMarker marker, Instant writtenAt, TopicPartition partition, long offset) {
    }

    /** Applies the records in order; returns the last sync marker among them, or null when there is none. */
    SeenMarker apply(Iterable<ConsumerRecord<String, byte[]>> records) {
        SeenMarker[] marker = new SeenMarker[1];
        metrics.batchApply().record(() -> live.write(graph -> {
            for (ConsumerRecord<String, byte[]> record : records) {
                apply(graph, record, marker);
            }
        }));
        return marker[0];
    }

    private void apply(ReferenceGraph graph, ConsumerRecord<String, byte[]> record, SeenMarker[] marker) {
        try {
            if (record.key() == null) {
                throw new IllegalArgumentException("record without a key");
            }
            UntrustedRecordException.check(signing, record);
            RecordApplier.Outcome outcome = applier.apply(graph, record.key(), record.value(),
                    m -> marker[0] = new SeenMarker(m, Instant.ofEpochMilli(record.timestamp()),
                            new TopicPartition(record.topic(), record.partition()), record.offset()));
            metrics.applied(ProjectionKeys.parse(record.key()).kind(), outcome);
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.warnf("unreadable state record %s at %s-%d@%d sent to %s: %s", record.key(), record.topic(),
                    record.partition(), record.offset(), deadLetterTopic, reason);
            metrics.bad(e instanceof UntrustedRecordException untrusted ? untrusted.reason()
                    : e.getClass().getSimpleName());
            // a record without a key names no object (and a compacted topic refuses it): nothing to wait for
            if (record.key() != null) {
                applier.unreadable(record.key(), reason,
                        record.topic() + "-" + record.partition() + "@" + record.offset());
            }
            deadLetters.send(record, reason);
        }
    }
}
