package io.imageprune.state;

import io.imageprune.config.ImagePruneConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state consumer started while no broker answers (a port nobody listens on): creating the topics waits far longer
 * than max-staleness, and no read of the end offsets ever fails, yet within max-staleness the gauge
 * {@code imageprune_state_kafka_connected} says 0 (not -1, "unknown") and the status names the outage.
 */
class KafkaDownAtStartTest {
    private static final Duration MAX_STALENESS = Duration.ofSeconds(2);

    @Test
    void aBrokerDownAtStartIsReportedUnreachableWithinMaxStaleness() throws Exception {
        ImagePruneConfig config = config();
        Map<String, Object> kafka = Map.of("bootstrap.servers", "127.0.0.1:" + closedPort());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LiveGraph live = new LiveGraph(config);
        StateMetrics metrics = new StateMetrics(registry, live, config);
        StateConsumer consumer = new StateConsumer(config, live, kafka, new Topics(config, kafka),
                new DeadLetters(config, kafka), metrics);
        assertEquals(-1.0, connected(registry), "not tried yet");
        long started = System.nanoTime();
        consumer.start();
        try {
            await().atMost(MAX_STALENESS.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> connected(registry) == 0.0);
            assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(MAX_STALENESS) > 0,
                    "not before max-staleness: a slow first answer is not an outage");
            assertEquals("UNREACHABLE", live.kafkaStatus().get("state"), live.kafkaStatus().toString());
            assertTrue(live.notSyncedReason().startsWith("Kafka unreachable since "), live.notSyncedReason());
            assertFalse(live.synced());
            assertEquals(-1, live.lag(), "an unknown lag is unknown");
        } finally {
            consumer.shutDown(Duration.ofSeconds(5));
        }
    }

    private static double connected(SimpleMeterRegistry registry) {
        return registry.get("imageprune.state.kafka.connected").gauge().value();
    }

    /** A port that was free a moment ago and has nobody listening now. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static ImagePruneConfig config() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ImagePruneConfig.class)
                // the mapping's defaults use Quarkus's short duration form ("200ms")
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValue("imageprune.state.max-staleness", MAX_STALENESS.toSeconds() + "s")
                .withDefaultValue("imageprune.ingest.enabled", "false")
                .build();
        return config.getConfigMapping(ImagePruneConfig.class);
    }
}
