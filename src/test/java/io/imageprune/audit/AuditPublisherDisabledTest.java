package io.imageprune.audit;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.execute.ActionKind;
import io.imageprune.execute.ActionRecord;
import io.imageprune.execute.Outcome;
import io.imageprune.execute.PruneStats;
import io.imageprune.policy.Rule;
import io.imageprune.state.Topics;
import io.quarkus.runtime.configuration.DurationConverter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With auditing off nothing is sent and nothing connects. The broker address is a port nobody listens on: any attempt
 * to create the topic or send would block for many seconds (and count a failure) instead of returning at once.
 */
class AuditPublisherDisabledTest {
    private static final Map<String, Object> NO_BROKER = Map.of("bootstrap.servers", "127.0.0.1:1");

    @Test
    void disabledAuditSendsNothing() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AuditPublisher publisher = publisher(false, registry);
        assertTimeoutPreemptively(Duration.ofSeconds(3), () -> {
            publisher.action("run-1", false, Instant.EPOCH, new ActionRecord(ActionKind.IMAGE, "sha256:a", "",
                    "sha256:a", 0, Rule.UNREFERENCED_IMAGE, Outcome.DONE, null));
            publisher.summary(new RunSummary("run-1", "api", false, Instant.EPOCH, Instant.EPOCH, null,
                    new PruneStats(1, 0, 0, 0, 0, 0), 0, List.of(), 0, 0));
            publisher.flush();
            publisher.close();
        });
        assertTrue(registry.getMeters().isEmpty(), "nothing sent, nothing failed: " + registry.getMeters());
        assertEquals(0, emitter.sent, "nothing handed to the channel");
    }

    @Test
    void anEnabledPublisherThatNeverSendsNeverConnects() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AuditPublisher publisher = publisher(true, registry);
        assertTimeoutPreemptively(Duration.ofSeconds(3), () -> {
            publisher.flush();
            publisher.close();
        });
        assertTrue(registry.getMeters().isEmpty(), registry.getMeters().toString());
        assertEquals(0, emitter.sent, "nothing handed to the channel");
    }

    private final CountingEmitter emitter = new CountingEmitter();

    @Test
    void aClosedChannelAcknowledgesNothingAndSendsNothing() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ImagePruneConfig mapped = config(true);
        AuditPublisher publisher = new AuditPublisher(mapped, null, new Topics(mapped, NO_BROKER), registry);
        assertTimeoutPreemptively(Duration.ofSeconds(3), () -> {
            ExecutionException refused = assertThrows(ExecutionException.class, () -> publisher.acknowledged(
                    publisher.events().started(new RunStart("run-1", "api", false, "all", Instant.EPOCH, Map.of(),
                            Map.of()))).get(1, TimeUnit.SECONDS));
            assertTrue(refused.getCause().getMessage().contains(AuditPublisher.CHANNEL_ENABLED + "=false"),
                    refused.getCause().getMessage());
            publisher.flush();
            publisher.close();
        });
        assertEquals(0, emitter.sent);
    }

    private AuditPublisher publisher(boolean enabled, SimpleMeterRegistry registry) {
        ImagePruneConfig mapped = config(enabled);
        return new AuditPublisher(mapped, () -> emitter, new Topics(mapped, NO_BROKER), registry);
    }

    private static ImagePruneConfig config(boolean enabled) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ImagePruneConfig.class)
                // the mapping's defaults use Quarkus's short duration form ("200ms")
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValue("imageprune.audit.enabled", Boolean.toString(enabled))
                .build();
        return config.getConfigMapping(ImagePruneConfig.class);
    }

    /** Counts what reaches the channel; nothing may (the connector behind it is tested in AuditPublisherTest). */
    private static final class CountingEmitter implements Emitter<Map<String, Object>> {
        volatile int sent;

        @Override
        public CompletionStage<Void> send(Map<String, Object> payload) {
            sent++;
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public <M extends Message<? extends Map<String, Object>>> void send(M message) {
            sent++;
        }

        @Override
        public void complete() {
        }

        @Override
        public void error(Exception e) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean hasRequests() {
            return true;
        }
    }
}
