package io.imageprune.state;

import io.imageprune.config.ImagePruneConfig;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The state consumer as an incoming channel of the connector would be (issue 10's gate): batches of
 * {@link ConsumerRecords} ({@code batch=true}), every partition assigned and sought to the beginning by
 * {@code assign-seek}, each batch applied by the same {@link BatchApplier} as {@link StateConsumer}, into a
 * {@link LiveGraph} of its own, and the end offsets read on the connector's polling thread: after each sync marker
 * (the sync barrier) and every second (freshness, as today's consumer). Synced once the records applied reach the end
 * offsets read after the newest marker — the barrier of today's consumer, counted on what was applied rather than the
 * poll position, which runs ahead of the batches queued in the connector.
 *
 * <p>A prototype for {@code KafkaThroughputBenchTest} to measure against today's consumer, not a replacement: it lacks
 * the outage handling and the metrics of the consumer's position, and {@link #restart()} is only safe while caught up
 * (a batch fetched before the seek and not yet delivered would be applied to the new graph). Exists only in that
 * benchmark's build, so no other test opens its channel.
 */
@ApplicationScoped
@IfBuildProperty(name = "kafka-bench.channel", stringValue = "true")
public class ChannelStateConsumer {
    public static final String CHANNEL = "imageprune-bench-state-in";

    private final String topic;
    private final LiveGraph live;
    private final BatchApplier batches;
    private final KafkaClientService clients;
    /** Per partition, the offset after the last record applied. */
    private final Map<TopicPartition, Long> applied = new HashMap<>();
    /** The end offsets read after the newest sync marker; null until one was read. */
    private Map<TopicPartition, Long> target;
    /** Counts restarts, so that an answer about the graph before one is not taken for the graph after it. */
    private long generation;

    private final ScheduledExecutorService freshness = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "imageprune-bench-channel-freshness");
        thread.setDaemon(true);
        return thread;
    });

    public ChannelStateConsumer(ImagePruneConfig config, DeadLetters deadLetters, StateMetrics metrics,
                                KafkaClientService clients) {
        this.topic = config.kafka().topic().state();
        this.live = new LiveGraph(config);
        this.batches = new BatchApplier(config, live, deadLetters, metrics);
        this.clients = clients;
        live.markNotSynced("the channel has not delivered a batch yet");
        freshness.scheduleWithFixedDelay(() -> {
            // before the connector made the channel's client there is nothing to ask (a throw would end the schedule)
            if (clients.getConsumerChannels().contains(CHANNEL)) {
                readEndOffsets(false);
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void close() {
        freshness.shutdownNow();
    }

    /** What the channel delivered, and the last failure, for the benchmark's messages. */
    private long batchesDelivered;
    private volatile String lastFailure;

    @Incoming(CHANNEL)
    @Blocking
    public void batch(ConsumerRecords<String, byte[]> records) {
        try {
            applyBatch(records);
        } catch (RuntimeException e) {
            lastFailure = e.toString();
            throw e;
        }
    }

    private void applyBatch(ConsumerRecords<String, byte[]> records) {
        synchronized (this) {
            batchesDelivered++;
        }
        BatchApplier.SeenMarker marker = batches.apply(records);
        synchronized (this) {
            for (TopicPartition partition : records.partitions()) {
                List<ConsumerRecord<String, byte[]>> of = records.records(partition);
                applied.put(partition, of.get(of.size() - 1).offset() + 1);
            }
        }
        if (marker != null) {
            if (live.marker(marker.marker(), marker.writtenAt())) {
                live.markNotSynced("catching up after a fault");
            }
            readEndOffsets(true);
        }
        checkCaughtUp();
    }

    /**
     * The end offsets, read on the polling thread (the client is not thread-safe): the lag and the contact of
     * freshness, and after a marker the barrier.
     */
    private void readEndOffsets(boolean barrier) {
        long readFor;
        synchronized (this) {
            readFor = generation;
        }
        Function<Consumer<String, byte[]>, Map<TopicPartition, Long>> read = c -> c.endOffsets(c.assignment());
        consumer().runOnPollingThread(read).subscribe().with(end -> {
            synchronized (this) {
                if (readFor != generation) {
                    return;
                }
                if (barrier) {
                    target = end;
                }
                Map<Integer, Long> lag = new TreeMap<>();
                end.forEach((partition, offset) -> lag.put(partition.partition(),
                        Math.max(0, offset - applied.getOrDefault(partition, 0L))));
                live.contact(Instant.now(), lag);
            }
            checkCaughtUp();
        }, failure -> {
            lastFailure = failure.toString();
            live.unreachable(Instant.now(), failure.toString());
        });
    }

    private synchronized void checkCaughtUp() {
        if (target == null || live.isMarkedSynced()) {
            return;
        }
        for (Map.Entry<TopicPartition, Long> end : target.entrySet()) {
            if (applied.getOrDefault(end.getKey(), 0L) < end.getValue()) {
                return;
            }
        }
        live.markSynced();
    }

    /**
     * Forgets the graph and replays the topic from the beginning through the channel's own client: every partition
     * the topic has now assigned again (the assignment of {@code assign-seek} is made when the channel starts, maybe
     * before the topic exists) and sought to its beginning, on the polling thread.
     */
    public void restart() {
        synchronized (this) {
            generation++;
            applied.clear();
            target = null;
        }
        live.reset("replaying through the channel");
        java.util.function.Consumer<Consumer<String, byte[]>> seek = c -> {
            List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
        };
        consumer().runOnPollingThread(seek).await().atMost(Duration.ofSeconds(30));
    }

    public boolean synced() {
        return live.synced();
    }

    /** Why not synced, with what the channel delivered and applied, and the barrier. */
    public synchronized String notSyncedReason() {
        return live.notSyncedReason() + " (batches " + batchesDelivered + ", applied " + applied + ", barrier " + target
                + ", last failure " + lastFailure + ")";
    }

    public Map<String, Integer> objectsPerKind() {
        return live.objectsPerKind();
    }

    private KafkaConsumer<String, byte[]> consumer() {
        return clients.getConsumer(CHANNEL);
    }
}
