package io.imageprune.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The factory's producer, consumer and admin client, built from the {@code kafka.*} settings alone, against a real
 * broker with the two listener shapes of a Strimzi cluster.
 */
class SecuredClientsTest {
    @Test
    void scramOverTls() throws Exception {
        roundTrip(SecuredKafka.asClientMap(SecuredKafka.get().scram(SecuredKafka.PASSWORD)), "scram");
    }

    @Test
    void mutualTls() throws Exception {
        roundTrip(SecuredKafka.asClientMap(SecuredKafka.get().mutualTls()), "mtls");
    }

    @Test
    void withoutTheSecuritySettingsNothingConnects() {
        // the control: only bootstrap.servers, as every client used to copy, cannot talk to the TLS listener
        Map<String, Object> bare = Map.of("bootstrap.servers",
                SecuredKafka.get().scram(SecuredKafka.PASSWORD).get("kafka.bootstrap.servers"));
        try (Admin admin = Admin.create(KafkaClientConfig.admin(bare))) {
            assertThrows(Exception.class, () -> admin.listTopics(
                    new org.apache.kafka.clients.admin.ListTopicsOptions().timeoutMs(3000)).names()
                    .get(10, TimeUnit.SECONDS));
        }
    }

    private static void roundTrip(Map<String, Object> kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(KafkaClientConfig.admin(kafka))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                KafkaClientConfig.producer(kafka, Map.of()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k1", "v1")).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(topic, "k2", "v2")).get(30, TimeUnit.SECONDS);
        }
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                KafkaClientConfig.consumer(kafka, Map.of()), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    read.add(record.key() + "=" + record.value());
                }
                return read.size() >= 2;
            });
        }
        assertEquals(List.of("k1=v1", "k2=v2"), read);
    }
}
