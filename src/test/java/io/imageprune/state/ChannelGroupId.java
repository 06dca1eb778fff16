package io.imageprune.state;

import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.reactive.messaging.ClientCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.Config;

import java.util.Map;
import java.util.UUID;

/**
 * Gives {@link ChannelStateConsumer}'s channel a group id again after {@link io.imageprune.kafka.KafkaChannelConfig}
 * dropped it: the connector's polling asks the client for its group metadata, which fails without a group id
 * ({@code InvalidGroupIdException} on every poll) even with {@code assign-seek} and {@code commit-strategy=ignore}. A
 * random id that never joins a group (the partitions are assigned) and never commits. Only in the benchmark's build.
 */
@ApplicationScoped
@IfBuildProperty(name = "kafka-bench.channel", stringValue = "true")
public class ChannelGroupId implements ClientCustomizer<Map<String, Object>> {
    /** After KafkaChannelConfig (default priority): customizers run in ascending priority. */
    @Override
    public int getPriority() {
        return CLIENT_CONFIG_CUSTOMIZER_DEFAULT_PRIORITY + 100;
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> config) {
        if (channel.equals(ChannelStateConsumer.CHANNEL)) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, "imageprune-bench-" + UUID.randomUUID());
        }
        return config;
    }
}
