package io.imageprune.kafka;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.ClientCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.microprofile.config.Config;

import java.util.HashMap;
import java.util.Map;

/**
 * Gives the Kafka clients of the connector's channels the configuration of every other client of the service
 * ({@link KafkaClientConfig}): the shared {@code kafka.*} settings (TLS, SASL, …), the role's overrides
 * ({@code kafka.producer.*}, {@code kafka.consumer.*}), and what the role needs to be safe, a weakening value refused.
 * The channel's own settings ({@code mp.messaging.outgoing.NAME.*}) are its tuning: the role's overrides win over
 * them, as over the tuning of the service's own clients; its serializers stay the channel's.
 */
@ApplicationScoped
public class KafkaChannelConfig implements ClientCustomizer<Map<String, Object>> {
    private final Map<String, Object> kafka;

    public KafkaChannelConfig(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.kafka = kafka;
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> config) {
        KafkaClientConfig.Role role = config.containsKey(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG)
                ? KafkaClientConfig.Role.PRODUCER
                : config.containsKey(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG)
                ? KafkaClientConfig.Role.CONSUMER : KafkaClientConfig.Role.ADMIN;
        Map<String, Object> tuning = new HashMap<>();
        for (Map.Entry<String, Object> setting : config.entrySet()) {
            // the role overrides of the kafka.* map reach the channel under their prefix: they are applied below
            if (!isRoleOverride(setting.getKey())) {
                tuning.put(setting.getKey(), setting.getValue());
            }
        }
        Map<String, Object> built;
        try {
            built = KafkaClientConfig.build(role, kafka, tuning);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("channel " + channel + ": " + e.getMessage(), e);
        }
        for (String codeOwned : new String[] {ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG}) {
            if (config.containsKey(codeOwned)) {
                built.put(codeOwned, config.get(codeOwned));
            }
        }
        return built;
    }

    private static boolean isRoleOverride(String key) {
        for (KafkaClientConfig.Role role : KafkaClientConfig.Role.values()) {
            if (key.startsWith(role.prefix())) {
                return true;
            }
        }
        return false;
    }
}
