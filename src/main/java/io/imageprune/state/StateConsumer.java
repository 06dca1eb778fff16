package io.imageprune.state;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.kafka.KafkaClientConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Replays {@code imageprune.cluster-state} from the beginning on every start and then follows it, applying each record
 * to the {@link LiveGraph}. The graph is synced once the consumer has reached the end offsets it saw after the newest
 * sync marker, and stays so only while it keeps reading the end offsets (at least every second, with a timeout): a
 * broker that stops answering makes the graph stale within {@code imageprune.state.max-staleness}, and when it answers
 * again the consumer goes on from its position. Records that cannot be read go to the dead-letter topic and never
 * block the partition, but their key keeps the graph not synced until it is readable again ({@link UnreadableKeys}).
 */
@ApplicationScoped
public class StateConsumer {
    private static final Logger LOG = Logger.getLogger(StateConsumer.class);

    private final ImagePruneConfig config;
    private final LiveGraph live;
    private final Map<String, Object> kafka;
    private final Topics topics;
    private final StateMetrics metrics;
    private final BatchApplier batches;
    /** What the container's own shutdown waits for the consumer thread when no one stopped it before. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(2);
    private final AtomicReference<KafkaConsumer<String, byte[]>> current = new AtomicReference<>();
    private volatile boolean running;
    private Thread thread;

    public StateConsumer(ImagePruneConfig config, LiveGraph live,
                         @Identifier("default-kafka-broker") Map<String, Object> kafka, Topics topics,
                         DeadLetters deadLetters, StateMetrics metrics) {
        this.config = config;
        this.live = live;
        this.kafka = kafka;
        this.topics = topics;
        this.metrics = metrics;
        this.batches = new BatchApplier(config, live, deadLetters, metrics);
    }

    /**
     * Shutdown: stops like {@link #stop()}, but also interrupts whatever the consumer waits for (topic creation or
     * metadata from an unreachable broker, the pause between retries) and waits for it at most {@code bound}.
     */
    public void shutDown(Duration bound) {
        stop(bound, true);
    }

    @PreDestroy
    void close() {
        shutDown(SHUTDOWN_WAIT);
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "imageprune-state-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    public void stop() {
        stop(Duration.ofSeconds(30), false);
    }

    private synchronized void stop(Duration wait, boolean interrupt) {
        running = false;
        KafkaConsumer<String, byte[]> consumer = current.get();
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            if (interrupt) {
                thread.interrupt();
            }
            try {
                thread.join(Math.max(1, wait.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    /** Throws the graph away and rebuilds it from the topic, as a restarted pod would. */
    public void restart() {
        stop();
        live.reset("the state consumer restarted");
        start();
    }

    private void run() {
        while (running) {
            live.reset("replaying " + config.kafka().topic().state() + " from the beginning");
            try {
                consume();
            } catch (WakeupException stopping) {
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                LOG.errorf(e, "state consumer failed; replaying the topic from the beginning in 5 s");
                live.markNotSynced("state consumer failed: " + e);
                sleep(Duration.ofSeconds(5));
            }
        }
    }

    private void consume() throws Exception {
        // a broker that does not answer from here on is named unreachable after max-staleness, though no read of the
        // end offsets has failed yet (creating the topics and reading its partitions wait longer)
        live.connecting(Instant.now());
        topics.ensure();
        String topic = config.kafka().topic().state();
        // replay is a bulk read: larger fetches than the 1 MiB per partition default
        Map<String, Object> props = KafkaClientConfig.consumer(kafka, Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024));
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            current.set(consumer);
            if (!running) {
                return;
            }
            List<TopicPartition> partitions = partitionsOf(consumer, topic);
            consumer.assign(partitions);
            metrics.partitions(partitions.stream().map(TopicPartition::partition).toList());
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> target = consumer.endOffsets(partitions);
            boolean markerSeen = false;
            boolean markerPending = false;
            BatchApplier.SeenMarker markerAt = null;
            long replayStart = System.nanoTime();
            long replayed = 0;
            Duration checkEvery = endOffsetsInterval();
            long nextCheck = 0;
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(config.state().pollTimeout());
                replayed += records.count();
                BatchApplier.SeenMarker marker = records.isEmpty() ? null : batches.apply(records);
                if (marker != null) {
                    markerAt = marker;
                    if (live.marker(marker.marker(), marker.writtenAt())) {
                        // the marker after a fault, or of a new listing, sits on one partition; the listing it
                        // closes may still be unapplied on the others: the sync barrier again, to the end offsets
                        // read from now
                        live.markNotSynced("catching up with " + topic + " after a fault or a new listing");
                    }
                    markerPending = true;
                }
                if (!markerPending && System.nanoTime() < nextCheck) {
                    continue;
                }
                Map<TopicPartition, Long> end = readEndOffsets(consumer, partitions);
                nextCheck = System.nanoTime() + checkEvery.toNanos();
                if (end == null) {
                    continue;
                }
                if (markerPending) {
                    markerPending = false;
                    markerSeen = true;
                    // everything the ingest published before its marker is below these offsets: on the marker's own
                    // partition below the marker itself (what came after it there is not waited for, or an ingest
                    // writing a marker more often than this loop reads the end offsets would never be caught up
                    // with); on the others, below their end offsets read after the marker was applied
                    target = new HashMap<>(end);
                    target.put(markerAt.partition(), markerAt.offset() + 1);
                }
                boolean caughtUp = true;
                for (TopicPartition partition : partitions) {
                    caughtUp &= consumer.position(partition) >= target.getOrDefault(partition, 0L);
                }
                if (!live.isMarkedSynced()) {
                    if (markerSeen && caughtUp) {
                        live.markSynced();
                        long millis = Math.max(1, (System.nanoTime() - replayStart) / 1_000_000);
                        LOG.infof("state graph synced: replayed %d records in %d ms (%d records/s): %s", replayed,
                                millis, replayed * 1000 / millis, live.objectsPerKind());
                    } else {
                        live.markNotSynced(markerSeen ? "catching up with " + topic
                                : "waiting for the ingest's sync marker on " + topic);
                    }
                }
            }
        } finally {
            current.set(null);
        }
    }

    /**
     * The topic's partitions. Right after the topic is created the client's metadata may not list them yet (an empty
     * answer, not an error): asked again for a bounded time instead of failing the replay and waiting to start over.
     */
    private List<TopicPartition> partitionsOf(KafkaConsumer<String, byte[]> consumer, String topic) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        while ((infos == null || infos.isEmpty()) && running && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(200));
            infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        }
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("the broker lists no partitions of " + topic + " within 30 s");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : infos) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        return partitions;
    }

    /**
     * How often the end offsets are read while following the topic: often enough that a broker that stops answering
     * is noticed well within {@code max-staleness}.
     */
    private Duration endOffsetsInterval() {
        Duration quarter = live.maxStaleness().dividedBy(4);
        return quarter.compareTo(Duration.ofSeconds(1)) < 0 ? quarter : Duration.ofSeconds(1);
    }

    /**
     * The end offsets, read with a bound (a poll never fails on a dead broker: the client retries silently), and the
     * lag from them and the positions; null when the broker did not answer, which the graph records as an outage.
     */
    private Map<TopicPartition, Long> readEndOffsets(KafkaConsumer<String, byte[]> consumer,
                                                     List<TopicPartition> partitions) {
        Duration timeout = live.maxStaleness().dividedBy(2);
        try {
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<Integer, Long> lagPerPartition = new TreeMap<>();
            for (TopicPartition partition : partitions) {
                lagPerPartition.put(partition.partition(),
                        Math.max(0, end.getOrDefault(partition, 0L) - consumer.position(partition, timeout)));
            }
            live.contact(Instant.now(), lagPerPartition);
            long lag = lagPerPartition.values().stream().mapToLong(Long::longValue).sum();
            if (metrics.kafkaReachable(true)) {
                LOG.infof("Kafka answers again; following %s from the consumer's position (%d records behind)",
                        config.kafka().topic().state(), lag);
            }
            return end;
        } catch (RetriableException e) {
            if (metrics.kafkaReachable(false)) {
                LOG.errorf("Kafka unreachable: cannot read the end offsets of %s within %d ms (%s); the graph is "
                        + "not synced until it answers again", config.kafka().topic().state(), timeout.toMillis(),
                        e.getMessage());
            }
            live.unreachable(Instant.now(), e.getClass().getSimpleName() + ": " + e.getMessage());
            return null;
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
