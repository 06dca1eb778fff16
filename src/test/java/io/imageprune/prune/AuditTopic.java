package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageprune.audit.AuditEvents;
import io.imageprune.audit.Intent;
import io.imageprune.execute.ActionKind;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;

/** The audit topic as a test reads it back: a plain consumer of every partition, no group, up to the end. */
final class AuditTopic {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Object bootstrap;
    private final String topic;
    private final Duration wait;

    /**
     * @param kafka the service's Kafka settings (only {@code bootstrap.servers} is used)
     * @param wait  how long reading up to the end may take
     */
    AuditTopic(Map<String, Object> kafka, String topic, Duration wait) {
        this.bootstrap = kafka.get("bootstrap.servers");
        this.topic = topic;
        this.wait = wait;
    }

    /** Every record of the topic up to its end as of this call, in partition order. */
    List<ConsumerRecord<String, String>> recordsUpToTheEnd() {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(wait).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        records.add(record);
                    }
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        return records;
    }

    /** The intent of every request the topic holds one for (events {@link AuditEvents#ACTION_INTENDED}). */
    Set<Intent> intents() {
        Set<Intent> intents = new HashSet<>();
        for (ConsumerRecord<String, String> record : recordsUpToTheEnd()) {
            JsonNode event = read(record.value());
            if (event.get("type").asText().equals(AuditEvents.ACTION_INTENDED)) {
                JsonNode data = event.get("data");
                intents.add(new Intent(ActionKind.valueOf(data.get("kind").asText()), data.get("target").asText(),
                        data.get("repository").asText(), data.get("digest").asText()));
            }
        }
        return intents;
    }

    static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
