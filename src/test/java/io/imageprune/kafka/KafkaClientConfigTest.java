package io.imageprune.kafka;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaClientConfigTest {
    /** What Quarkus' default-kafka-broker map holds for a Strimzi SCRAM user over TLS. */
    private static final Map<String, Object> SECURED = Map.of(
            "bootstrap.servers", "my-cluster-kafka-bootstrap:9093",
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            "ssl.truststore.type", "PEM",
            "ssl.truststore.location", "/etc/kafka-ca/ca.crt",
            "group.id", "imageprune");

    @Test
    void everyRoleGetsTheSecuritySettings() {
        for (Map<String, Object> config : new Map[]{KafkaClientConfig.producer(SECURED, Map.of()),
                KafkaClientConfig.consumer(SECURED, Map.of()), KafkaClientConfig.admin(SECURED)}) {
            for (String key : new String[]{"bootstrap.servers", "security.protocol", "sasl.mechanism",
                    "sasl.jaas.config", "ssl.truststore.type", "ssl.truststore.location"}) {
                assertEquals(SECURED.get(key), config.get(key), key);
            }
        }
    }

    @Test
    void producersAreIdempotentAndWaitForEveryReplica() {
        Map<String, Object> config = KafkaClientConfig.producer(SECURED, Map.of("linger.ms", 5));
        assertEquals("all", config.get("acks"));
        assertEquals("true", config.get("enable.idempotence"));
        assertEquals(5, config.get("linger.ms"));
        assertFalse(config.containsKey("group.id"), "a consumer-only key stays out of the producer");
    }

    @Test
    void consumersJoinNoGroupAndCommitNothing() {
        Map<String, Object> config = KafkaClientConfig.consumer(SECURED, Map.of("max.poll.records", 5000));
        assertEquals("false", config.get("enable.auto.commit"));
        assertFalse(config.containsKey("group.id"));
        assertFalse(config.containsKey("acks"));
        assertEquals(5000, config.get("max.poll.records"));
    }

    @Test
    void sharedSettingsOverrideTheCodeAndRoleSettingsOverrideBoth() {
        Map<String, Object> kafka = Map.of("bootstrap.servers", "b:9092", "linger.ms", "20",
                "producer.linger.ms", "50", "consumer.max.poll.records", "100", "admin.request.timeout.ms", "7000",
                "request.timeout.ms", "9000");
        assertEquals("50", KafkaClientConfig.producer(kafka, Map.of("linger.ms", 5)).get("linger.ms"));
        assertEquals("100", KafkaClientConfig.consumer(kafka, Map.of("max.poll.records", 5000))
                .get("max.poll.records"));
        assertEquals("7000", KafkaClientConfig.admin(kafka).get("request.timeout.ms"));
        assertEquals("9000", KafkaClientConfig.consumer(kafka, Map.of()).get("request.timeout.ms"));
        assertFalse(KafkaClientConfig.admin(kafka).containsKey("producer.linger.ms"));
        assertFalse(KafkaClientConfig.admin(kafka).containsKey("linger.ms"));
    }

    @Test
    void aKeyNoClientKnowsReachesEveryRole() {
        Map<String, Object> kafka = Map.of("bootstrap.servers", "b:9092", "oauth.token.endpoint.uri", "https://sso");
        assertEquals("https://sso", KafkaClientConfig.admin(kafka).get("oauth.token.endpoint.uri"));
        assertEquals("https://sso", KafkaClientConfig.consumer(kafka, Map.of()).get("oauth.token.endpoint.uri"));
    }

    @Test
    void weakeningValuesAreRefusedByName() {
        IllegalArgumentException acks = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientConfig.producer(Map.of("producer.acks", "1"), Map.of()));
        assertTrue(acks.getMessage().contains("acks=1"), acks.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> KafkaClientConfig.producer(Map.of("enable.idempotence", "false"), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> KafkaClientConfig.consumer(Map.of("enable.auto.commit", "true"), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> KafkaClientConfig.producer(Map.of("transactional.id", "x"), Map.of()));
        // the safe values themselves may be spelled out
        assertEquals("all", KafkaClientConfig.producer(Map.of("acks", "ALL"), Map.of()).get("acks"));
        assertEquals("all", KafkaClientConfig.producer(Map.of("acks", "-1"), Map.of()).get("acks"));
    }

    @Test
    void serializersAreTheCodesOwn() {
        Map<String, Object> config = KafkaClientConfig.producer(
                Map.of("value.serializer", "org.example.Evil", "producer.key.serializer", "org.example.Evil"),
                Map.of());
        assertFalse(config.containsKey("value.serializer"));
        assertFalse(config.containsKey("key.serializer"));
    }
}
