package io.imageprune.cli;

import io.imageprune.kafka.KafkaClientConfig;
import io.imageprune.kafka.RecordSignature;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bulk writer of {@code publish}: a whole snapshot to the state topic as fast as the broker takes it. The file is
 * read on the caller's thread while other threads encode the projections and hand them to the producer (each object
 * of a snapshot appears once, so their order does not matter; the sync marker goes after a flush of all of them),
 * and the producer sends large, compressed batches. Every record is acknowledged by all in-sync replicas as the
 * service's own writes are ({@link KafkaClientConfig} keeps acks=all and idempotence); a failed record fails the
 * command, it is never dropped silently.
 */
final class SnapshotPublisher implements AutoCloseable {
    /**
     * Defaults for a bulk load (each can be overridden by {@code kafka.producer.*}): batches of up to 1 MiB filled for
     * up to 50 ms, lz4 (cheap on the CPU the encoding needs; JSON projections shrink ~4x, so the broker, often on the
     * same machine, writes a quarter of the bytes), room for many batches in flight.
     */
    static final Map<String, Object> BULK = Map.of(
            ProducerConfig.LINGER_MS_CONFIG, 50,
            ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20,
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
            ProducerConfig.BUFFER_MEMORY_CONFIG, 256L << 20);
    private static final int BATCH = 1024;
    private static final Object[] END = new Object[0];
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final Producer<String, byte[]> producer;
    private final RecordSignature signing;
    private final BlockingQueue<Object[]> queue;
    private final List<Thread> encoders = new ArrayList<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final AtomicReference<RuntimeException> encodingFailure = new AtomicReference<>();
    private final AtomicLong sent = new AtomicLong();
    private final ObjectBatcher batcher = new ObjectBatcher(BATCH, this::put);

    SnapshotPublisher(String topic, Map<String, Object> kafka, RecordSignature signing) {
        this(topic, new KafkaProducer<>(KafkaClientConfig.producer(kafka, BULK), new StringSerializer(),
                new ByteArraySerializer()), signing, Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
    }

    SnapshotPublisher(String topic, Producer<String, byte[]> producer, RecordSignature signing, int threads) {
        this.topic = topic;
        this.producer = producer;
        this.signing = signing;
        this.queue = new ArrayBlockingQueue<>(4 * threads);
        for (int i = 0; i < threads; i++) {
            Thread encoder = new Thread(this::encode, "imageprune-publish-encoder-" + i);
            encoder.setDaemon(true);
            encoder.start();
            encoders.add(encoder);
        }
    }

    /** Queues one object of the snapshot (an image, stream, referrer or limit range). */
    void add(Object object) {
        batcher.add(object);
    }

    /**
     * Waits until every object queued so far is encoded and acknowledged.
     *
     * @return the number of objects sent
     * @throws PublishException naming the first failure and how many records failed
     */
    long finish() {
        batcher.flush();
        for (int i = 0; i < encoders.size(); i++) {
            put(END);
        }
        for (Thread encoder : encoders) {
            try {
                encoder.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishException("interrupted while encoding the snapshot");
            }
        }
        encoders.clear();
        if (encodingFailure.get() != null) {
            throw new PublishException("cannot publish the snapshot: " + encodingFailure.get().getMessage());
        }
        producer.flush();
        check();
        return sent.get();
    }

    /** Sends one record after everything before it and waits for it (the sync marker). */
    void sendLast(String key, byte[] value) {
        send(key, value);
        producer.flush();
        check();
    }

    private void check() {
        if (failures.get() > 0) {
            throw new PublishException(failures.get() + " record(s) were not acknowledged; the first: "
                    + firstFailure.get());
        }
    }

    private void put(Object[] objects) {
        try {
            while (!queue.offer(objects, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (encodingFailure.get() != null) {
                    throw new PublishException("cannot publish the snapshot: " + encodingFailure.get().getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while reading the snapshot");
        }
    }

    private void encode() {
        ProjectionCodec codec = new ProjectionCodec();
        try {
            while (true) {
                Object[] objects = queue.take();
                if (objects == END) {
                    return;
                }
                if (encodingFailure.get() != null) {
                    continue; // drain: the reader is told at its next batch
                }
                for (Object object : objects) {
                    send(ProjectionKeys.of(object), codec.encode(object));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            encodingFailure.compareAndSet(null, e);
            // keep taking batches so that the reader never blocks on a full queue
            drain();
        }
    }

    private void drain() {
        try {
            while (queue.take() != END) {
                // discarded: the command fails
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(String key, byte[] value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        if (signing.enabled()) {
            record.headers().add(RecordSignature.HEADER, signing.sign(key, value));
        }
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                failures.incrementAndGet();
                firstFailure.compareAndSet(null, key + ": " + error);
            }
        });
        sent.incrementAndGet();
    }

    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }

    /** The snapshot could not be published whole. */
    static final class PublishException extends RuntimeException {
        PublishException(String message) {
            super(message);
        }
    }
}
