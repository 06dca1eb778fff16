package io.imageprune.audit;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.kafka.KafkaClientConfig;
import io.imageprune.state.Topics;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Reads the audit topic back from a point in time up to its end as it is when reading starts, into an
 * {@link AuditLog}. No consumer group: it assigns every partition and commits nothing.
 */
@ApplicationScoped
public class AuditReader {
    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final Map<String, Object> kafka;
    private final Topics topics;

    public AuditReader(ImagePruneConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka,
                       Topics topics) {
        this.topic = config.kafka().topic().deletions();
        this.kafka = kafka;
        this.topics = topics;
    }

    /**
     * @param since   the first record time read (older records are skipped by offset, not read)
     * @param timeout the whole read's bound
     * @throws TimeoutException when the end was not reached in time (nothing partial is returned)
     */
    public AuditLog read(Instant since, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        topics.ensureDeletions();
        Map<String, Object> props = KafkaClientConfig.consumer(kafka, Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest", ConsumerConfig.CLIENT_ID_CONFIG, "imageprune-audit-recovery"));
        AuditLog log = new AuditLog();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, remaining(deadline))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> from = new HashMap<>();
            partitions.forEach(p -> from.put(p, since.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(from, remaining(deadline));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, remaining(deadline));
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp start = starts.get(partition);
                // no record at or after `since`: nothing of this partition is in the window
                consumer.seek(partition, start == null ? ends.get(partition) : start.offset());
            }
            while (!reachedEnd(consumer, partitions, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("reading " + topic + " back from " + since + " took longer than "
                            + timeout);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        log.accept(record.value());
                    }
                }
            }
        }
        return log;
    }

    private static boolean reachedEnd(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions,
                                      Map<TopicPartition, Long> ends) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < ends.get(partition)) {
                return false;
            }
        }
        return true;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000L, deadline - System.nanoTime()));
    }
}
