package io.imageprune.ingest;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.kafka.KafkaClientConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The keys the state topic currently holds a value for: what a fresh listing must confirm or tombstone. */
@ApplicationScoped
public class TopicKeys {
    private final String topic;
    private final Map<String, Object> kafka;

    public TopicKeys(ImagePruneConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.topic = config.kafka().topic().state();
        this.kafka = kafka;
    }

    public Set<String> liveKeys() {
        Map<String, Object> props = KafkaClientConfig.consumer(kafka, Map.of());
        Set<String> live = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() == null) {
                        continue;
                    }
                    if (record.value() == null) {
                        live.remove(record.key());
                    } else {
                        live.add(record.key());
                    }
                }
            }
        }
        return live;
    }
}
