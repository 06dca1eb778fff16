package io.imageprune.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.execute.ActionRecord;
import io.imageprune.state.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Sends the audit events of prune runs to the audit topic through the {@value #CHANNEL} channel of the Kafka
 * connector: structured CloudEvents ({@code application/cloudevents+json}), keyed by target, idempotent, acks from all
 * in-sync replicas (the channel's producer is configured like every client, see
 * {@link io.imageprune.kafka.KafkaChannelConfig}). Outcome and summary events never block the caller and never fail a
 * run: events are handed to one sender thread (which keeps their order, and alone waits for the topic's creation), and
 * an event the broker did not acknowledge is logged and counted ({@code imageprune.audit.publish.failures}), the action
 * itself stands. The records a run must not go on without (its start, its intents) go the same way, but their sender
 * waits for the broker's acknowledgement ({@link #acknowledged}, used by {@link RunJournal}).
 */
@ApplicationScoped
public class AuditPublisher {
    private static final Logger LOG = Logger.getLogger(AuditPublisher.class);
    /** The outgoing channel of the audit topic (its settings: {@code mp.messaging.outgoing.imageprune-audit.*}). */
    public static final String CHANNEL = "imageprune-audit";
    /** Open in the state role only (application.properties): an ingest-only pod and {@code publish} never prune. */
    static final String CHANNEL_ENABLED = "mp.messaging.outgoing." + CHANNEL + ".enabled";
    public static final String FAILURES = "imageprune.audit.publish.failures";
    public static final String EVENTS = "imageprune.audit.events";
    /** The record's own content type, as plain consumers have always read it (the connector's adds a charset). */
    private static final RecordHeader CONTENT_TYPE = new RecordHeader("content-type",
            AuditEvents.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
    private static final ObjectMapper DATA = new ObjectMapper();
    /**
     * At shutdown: how long queued events (the summary of a run that stopped) may take to be handed over, and then to
     * be acknowledged. Bounded so that shutdown ends within the pod's grace period without a broker; an event lost
     * then is what the next start's run recovery is for.
     */
    private static final Duration DRAIN_TIMEOUT = Duration.ofMillis(1500);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);
    /** How long the end of a run waits for its events; a broker outage must not keep the next run from starting. */
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(60);

    private final boolean enabled;
    private final String topic;
    private final AuditEvents events;
    private final Supplier<Emitter<Map<String, Object>>> emitter;
    private final Topics topics;
    private final MeterRegistry registry;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "imageprune-audit-sender");
        thread.setDaemon(true);
        return thread;
    });
    /** Events handed to the connector and not yet acknowledged or failed: what {@link #flush()} waits for. */
    private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();
    /** Touched on the sender thread only. */
    private boolean topicEnsured;

    @Inject
    public AuditPublisher(ImagePruneConfig config, Instance<AuditChannel> channel,
                          @ConfigProperty(name = CHANNEL_ENABLED, defaultValue = "true") boolean channelOpen,
                          Topics topics, MeterRegistry registry) {
        this(config, channelOpen ? () -> channel.get().emitter() : null, topics, registry);
    }

    /** @param emitter null when the channel is closed in this pod's roles */
    AuditPublisher(ImagePruneConfig config, Supplier<Emitter<Map<String, Object>>> emitter, Topics topics,
                   MeterRegistry registry) {
        this.enabled = config.audit().enabled();
        this.topic = config.kafka().topic().deletions();
        this.events = new AuditEvents(config.audit().source());
        this.emitter = emitter;
        this.topics = topics;
        this.registry = registry;
        if (enabled) {
            source(config.audit().source());
        }
    }

    /**
     * Where the channel is open, makes sure of the audit topic at once rather than before the first event: the
     * channel's readiness check asks for it, and a standby replica (which neither recovers runs nor writes events
     * until it leads) would otherwise stay unready on a new cluster.
     */
    void onStart(@Observes StartupEvent event) {
        if (enabled && emitter != null) {
            sender.execute(this::ensureTopic);
        }
    }

    /** The CloudEvents {@code source}: a URI reference, refused at start when it is not one. */
    private static URI source(String source) {
        try {
            return URI.create(source);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("imageprune.audit.source=" + source + " is refused: a CloudEvents "
                    + "source must be a URI reference (" + e.getMessage() + ")", e);
        }
    }

    /** Publishes how one action of a run ended. */
    public void action(String runId, boolean dryRun, Instant time, ActionRecord action) {
        if (enabled) {
            publish(events.action(runId, dryRun, time, action));
        }
    }

    /**
     * Hands the event to the sender thread (behind every event handed over before it, so per-key order holds) and
     * completes when the broker acknowledged it ({@code acks=all}), or exceptionally when it could not be sent.
     * Callers bound their wait; the future itself completes within the channel's delivery timeout.
     */
    CompletableFuture<Void> acknowledged(AuditEvent event) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        if (!enabled) {
            acked.completeExceptionally(new IllegalStateException("imageprune.audit.enabled=false"));
            return acked;
        }
        if (emitter == null) {
            // only a pod without the state role gets here (a refused run's summary): it never deletes anything
            LOG.warnf("audit event %s (%s) of %s not written: %s=false in this pod (the state role is off)",
                    event.id(), event.type(), event.key(), CHANNEL_ENABLED);
            acked.completeExceptionally(new IllegalStateException("the audit channel is closed in this pod ("
                    + CHANNEL_ENABLED + "=false: the state role is off)"));
            return acked;
        }
        try {
            sender.execute(() -> send(event, acked));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            acked.completeExceptionally(new IllegalStateException("the audit publisher is shut down", e));
        }
        return acked;
    }

    /** Hands the event to the sender thread without waiting for it (it is logged and counted if it fails). */
    void publish(AuditEvent event) {
        if (enabled) {
            acknowledged(event);
        }
    }

    boolean enabled() {
        return enabled;
    }

    AuditEvents events() {
        return events;
    }

    /** Publishes the closing event of a run. */
    public void summary(RunSummary summary) {
        if (enabled) {
            publish(events.summary(summary));
        }
    }

    /**
     * Waits until every event sent so far is acknowledged or has failed; at most about 30 s, the channel's delivery
     * timeout.
     */
    public void flush() {
        if (!enabled) {
            return;
        }
        long deadline = System.nanoTime() + FLUSH_TIMEOUT.toNanos();
        try {
            // behind every event handed over so far, on the sender thread
            sender.submit(() -> { }).get(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .exceptionally(failure -> null) // each failure is logged and counted where it happens
                    .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            LOG.warnf("audit events for %s still unacknowledged after %s; they follow in the background", topic,
                    FLUSH_TIMEOUT);
        } catch (ExecutionException e) {
            LOG.warnf(e.getCause(), "flushing the audit events to %s failed", topic);
        }
    }

    /** On the sender thread. */
    private void send(AuditEvent event, CompletableFuture<Void> acked) {
        ensureTopic();
        pending.add(acked);
        acked.whenComplete((ok, error) -> pending.remove(acked));
        try {
            Message<Map<String, Object>> message = Message.of(data(event), Metadata.of(
                    OutgoingCloudEventMetadata.builder()
                            .withId(event.id())
                            .withSource(source(event.source()))
                            .withType(event.type())
                            .withSubject(event.key())
                            .withTimestamp(event.time() == null ? null : event.time().atZone(ZoneOffset.UTC))
                            .withDataContentType(AuditEvent.DATA_CONTENT_TYPE)
                            .build(),
                    OutgoingKafkaRecordMetadata.<String>builder()
                            .withKey(event.key())
                            .withHeaders(List.of(CONTENT_TYPE))
                            .build()),
                    () -> {
                        registry.counter(EVENTS, "type", event.type()).increment();
                        acked.complete(null);
                        return CompletableFuture.completedFuture(null);
                    },
                    error -> {
                        failed(event, error);
                        acked.completeExceptionally(error);
                        return CompletableFuture.completedFuture(null);
                    });
            emitter.get().send(message);
        } catch (RuntimeException e) {
            // a full buffer or a channel that is not connected throws instead of nacking
            failed(event, e);
            acked.completeExceptionally(e);
        }
    }

    /** The {@code data} object as a map, which the connector writes as the event's JSON {@code data}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(AuditEvent event) {
        try {
            return DATA.readValue(event.data(), Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the data of audit event " + event.id() + " is not JSON", e);
        }
    }

    private void failed(AuditEvent event, Throwable error) {
        LOG.errorf(error, "could not publish audit event %s (%s) of %s to %s", event.id(), event.type(), event.key(),
                topic);
        registry.counter(FAILURES).increment();
    }

    /** Before the first event, so that the topic is made with its settings, not by the broker's auto-creation. */
    private void ensureTopic() {
        if (topicEnsured) {
            return;
        }
        topicEnsured = true;
        try {
            topics.ensureDeletions();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warnf("interrupted while creating the audit topic %s", topic);
        } catch (Exception e) {
            // the sends report their own failures; a missing topic must not stop the run
            LOG.warnf(e, "could not make sure the audit topic %s exists", topic);
        }
    }

    @PreDestroy
    void close() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("audit events still queued for %s at shutdown were dropped", topic);
                sender.shutdownNow();
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // logged and counted where each failed; unacknowledged ones are what run recovery is for
        }
    }
}
