package io.imageprune.kafka;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A connector channel's client gets what every other client of the service gets from the kafka.* settings. */
class KafkaChannelConfigTest {
    private static final Map<String, Object> KAFKA = Map.of(
            "bootstrap.servers", "kafka:9093",
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "ssl.truststore.location", "/etc/kafka-ca/ca.p12",
            "producer.compression.type", "zstd",
            "consumer.max.poll.records", "10");

    /** What the connector hands over for an outgoing channel: the kafka.* map merged with the channel's settings. */
    private static Map<String, Object> channel(Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(KAFKA);
        config.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        config.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        config.put("client.id", "kafka-producer-imageprune-audit");
        config.putAll(settings);
        return config;
    }

    @Test
    void anOutgoingChannelGetsTheSharedSettingsTheProducerOverridesAndTheSafetySettings() {
        Map<String, Object> built = new KafkaChannelConfig(KAFKA).customize("imageprune-audit", null,
                channel(Map.of("acks", "all", "linger.ms", "5", "compression.type", "gzip")));
        assertEquals("SASL_SSL", built.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", built.get("sasl.mechanism"));
        assertEquals("/etc/kafka-ca/ca.p12", built.get("ssl.truststore.location"));
        assertEquals("zstd", built.get("compression.type"), "kafka.producer.* wins over the channel's tuning");
        assertEquals("5", built.get("linger.ms"), "the channel's tuning");
        assertEquals("all", built.get("acks"));
        assertEquals("true", built.get("enable.idempotence"));
        assertEquals("org.apache.kafka.common.serialization.StringSerializer", built.get("value.serializer"),
                "the channel's serializers stay");
        assertFalse(built.containsKey("producer.compression.type"), "no role-prefixed key reaches the client");
        assertFalse(built.containsKey("consumer.max.poll.records"));
        assertFalse(built.containsKey("max.poll.records"), "another role's override");
    }

    @Test
    void aChannelSettingThatWeakensTheProducerIsRefusedNamingTheChannel() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new KafkaChannelConfig(KAFKA).customize("imageprune-audit", null, channel(Map.of("acks", "1"))));
        assertTrue(refused.getMessage().contains("imageprune-audit"), refused.getMessage());
        assertTrue(refused.getMessage().contains("acks=1"), refused.getMessage());
    }
}
