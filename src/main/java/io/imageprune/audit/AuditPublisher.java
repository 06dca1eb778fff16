package io.imageprune.audit;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.execute.ActionRecord;
import io.imageprune.kafka.KafkaClientConfig;
import io.imageprune.state.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Sends the audit events of prune runs to the audit topic: idempotent, acks from all in-sync replicas, keyed by
 * target. Outcome and summary events never block the caller and never fail a run: events are handed to one sender
 * thread (which keeps their order, and alone waits for topic creation, metadata or buffer space when Kafka is slow or
 * away); an event that cannot be delivered is logged and counted ({@code imageprune.audit.publish.failures}), the action
 * itself stands. The records a run must not go on without (its start, its intents) go the same way, but their sender
 * waits for the acknowledgement ({@link #acknowledged}, used by {@link RunJournal}).
 */
@ApplicationScoped
public class AuditPublisher {
    private static final Logger LOG = Logger.getLogger(AuditPublisher.class);
    public static final String FAILURES = "imageprune.audit.publish.failures";
    public static final String EVENTS = "imageprune.audit.events";
    /** A send waits at most this long for metadata or buffer space, so a broker outage cannot stall the workers. */
    private static final Duration MAX_BLOCK = Duration.ofSeconds(10);
    /** Every send completes (acknowledged or failed) within this, which is also what bounds {@link #flush()}. */
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
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
    private final Map<String, Object> kafka;
    private final Topics topics;
    private final MeterRegistry registry;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "imageprune-audit-sender");
        thread.setDaemon(true);
        return thread;
    });
    private KafkaProducer<String, String> producer;

    public AuditPublisher(ImagePruneConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka,
                          Topics topics, MeterRegistry registry) {
        this.enabled = config.audit().enabled();
        this.topic = config.kafka().topic().deletions();
        this.events = new AuditEvents(config.audit().source());
        this.kafka = kafka;
        this.topics = topics;
        this.registry = registry;
    }

    /** Publishes how one action of a run ended. */
    public void action(String runId, boolean dryRun, Instant time, ActionRecord action) {
        if (enabled) {
            AuditEvent event = events.action(runId, dryRun, time, action);
            sender.execute(() -> send(event));
        }
    }

    /**
     * Hands the event to the sender thread (behind every event handed over before it, so per-key order holds) and
     * completes when the broker acknowledged it ({@code acks=all}), or exceptionally when it could not be sent.
     * Callers bound their wait; the future itself completes within the producer's delivery timeout.
     */
    CompletableFuture<Void> acknowledged(AuditEvent event) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        if (!enabled) {
            acked.completeExceptionally(new IllegalStateException("imageprune.audit.enabled=false"));
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
            sender.execute(() -> send(event));
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
            AuditEvent event = events.summary(summary);
            sender.execute(() -> send(event));
        }
    }

    /**
     * Waits until every event sent so far is acknowledged or has failed; at most about 30 s, the producer's
     * delivery timeout.
     */
    public void flush() {
        if (!enabled) {
            return;
        }
        try {
            // behind every event handed over so far, on the sender thread
            sender.submit(() -> {
                KafkaProducer<String, String> current;
                synchronized (this) {
                    current = producer;
                }
                // nothing was ever sent: no reason to connect just to flush
                if (current != null) {
                    current.flush();
                }
            }).get(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warnf("audit events for %s still queued after %s; they follow in the background", topic,
                    FLUSH_TIMEOUT);
        } catch (ExecutionException e) {
            LOG.warnf(e.getCause(), "flushing the audit events to %s failed", topic);
        }
    }

    private void send(AuditEvent event) {
        send(event, new CompletableFuture<>());
    }

    private void send(AuditEvent event, CompletableFuture<Void> acked) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, event.key(), event.json());
        record.headers().add("content-type", AuditEvents.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        try {
            producer().send(record, (metadata, error) -> {
                if (error == null) {
                    registry.counter(EVENTS, "type", event.type()).increment();
                    acked.complete(null);
                } else {
                    failed(event, error);
                    acked.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            // a closed producer or an unserialisable record throws instead of calling back
            failed(event, e);
            acked.completeExceptionally(e);
        }
    }

    private void failed(AuditEvent event, Throwable error) {
        LOG.errorf(error, "could not publish audit event %s (%s) of %s to %s", event.id(), event.type(), event.key(),
                topic);
        registry.counter(FAILURES).increment();
    }

    /** Created on first use so that an instance that never prunes never connects to Kafka. */
    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            try {
                topics.ensureDeletions();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warnf("interrupted while creating the audit topic %s", topic);
            } catch (Exception e) {
                // the sends report their own failures; a missing topic must not stop the run
                LOG.warnf(e, "could not make sure the audit topic %s exists", topic);
            }
            Map<String, Object> props = KafkaClientConfig.producer(kafka, Map.of(ProducerConfig.LINGER_MS_CONFIG, 5,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) MAX_BLOCK.toMillis(),
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY_TIMEOUT.toMillis(),
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
            producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    @PreDestroy
    void close() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("audit events still queued for %s at shutdown were dropped", topic);
                sender.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (producer != null) {
                producer.close(CLOSE_TIMEOUT);
            }
        }
    }
}
