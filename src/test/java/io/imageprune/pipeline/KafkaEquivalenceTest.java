package io.imageprune.pipeline;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.graph.ReferrerEntry;
import io.imageprune.pipeline.KafkaEquivalenceHistory.Record;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.projection.SyncMarker;
import io.imageprune.state.LiveGraph;
import io.imageprune.state.RecordApplier;
import io.imageprune.state.StateConsumer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Future;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The equivalence property of the state pipeline, through a real Kafka broker and the real {@link StateConsumer}: for
 * random cluster histories ({@link KafkaEquivalenceHistory}: creates, updates, deletes, stray tombstones, redelivered
 * duplicates, ingest outages ended by a relist that tombstones the missed deletions, sync markers), the
 * {@link LiveGraph} the consumer builds from the state topic holds the same objects, counts the same digests and
 * dry-runs the same plans (for every option set of {@link #OPTIONS}) as a fresh {@link ReferenceGraph} built from the
 * objects that truly exist at the end.
 *
 * <p>Every seed's records go to the topic in order (keys as strings, values as bytes, tombstones as null values; the
 * topic has several partitions, so order holds per key, as it does for the ingest), in 2–3 batches with a
 * {@link StateConsumer#restart()} between batches: the restarted consumer throws its graph away and replays the whole
 * topic from the beginning, while later batches arrive during or after the replay.
 *
 * <p><b>Clean slate between seeds.</b> The consumer's topic is fixed by configuration for the life of the Quarkus
 * application, so a topic per seed would need a restart of Quarkus per seed. Instead all seeds share one topic and
 * each seed's records are preceded by a tombstone for every key the previous seed left present (after its last record
 * the log describes exactly that seed's final objects, so this is the complete set). The topic then describes the
 * empty cluster, and the new seed's history starts from an empty cluster too, so the expected graph after seed
 * {@code n} is exactly the fresh graph of seed {@code n}'s final objects; the union of all earlier seeds is in the
 * topic, and every restart replays it, which also exercises tombstones of keys re-created later. All sync markers
 * use one ingest id (one key, one partition, epochs increasing across seeds), so "the consumer has applied seed
 * {@code n}'s final marker" is {@code live.lastMarker().epoch() == finalEpoch}. At the end the consumer is restarted
 * once more and must rebuild the last seed's graph from the full topic.
 *
 * <p>Seeds: {@code -DkafkaEquivalence.seeds=N} (default 6) from {@code -DkafkaEquivalence.seed=S} (default 1). A
 * failure names the seed and whether replaying the records in order without Kafka gives the expected graph (then
 * the broker/consumer path is at fault, not the graph).
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithTestResource(KafkaEquivalenceKafka.class)
class KafkaEquivalenceTest {
    private static final Logger LOG = Logger.getLogger(KafkaEquivalenceTest.class);
    static final int SEEDS = Integer.getInteger("kafkaEquivalence.seeds", 6);
    static final long FIRST_SEED = Long.getLong("kafkaEquivalence.seed", 1L);
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Library defaults (cluster-wide, registry pruning, invalid refs ignored); an age/revision-keeping strict run. */
    static final List<PruneOptions> OPTIONS = List.of(
            PruneOptions.library(KafkaEquivalenceHistory.NOW, null, null, null, null, null, "", true, true),
            PruneOptions.library(KafkaEquivalenceHistory.NOW, Duration.ofMinutes(60), 1, false, false, true, "",
                    false, true),
            PruneOptions.library(KafkaEquivalenceHistory.NOW, null, 0, true, true, true, "", true, false));

    @Inject
    LiveGraph live;
    @Inject
    StateConsumer consumer;
    @Inject
    ImagePruneConfig config;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Test
    void liveGraphBuiltThroughKafkaPlansLikeAFreshGraphOfTheSameObjects() throws Exception {
        String topic = config.kafka().topic().state();
        assertEquals(KafkaEquivalenceKafka.STATE_TOPIC, topic, "the test's own topic");
        List<Record> sent = new ArrayList<>();
        Set<String> previousKeys = new TreeSet<>();
        long epoch = 0;
        KafkaEquivalenceHistory h = null;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
                new StringSerializer(), new ByteArraySerializer())) {
            for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
                long started = System.nanoTime();
                h = KafkaEquivalenceHistory.generate(seed, epoch);
                epoch = h.finalEpoch;
                List<Record> records = new ArrayList<>();
                previousKeys.forEach(k -> records.add(new Record(k, null, "clean slate")));
                records.addAll(h.log);

                Random cuts = new Random(seed);
                int restarts = 1 + cuts.nextInt(2);
                TreeSet<Integer> at = new TreeSet<>();
                while (at.size() < restarts) {
                    at.add(1 + cuts.nextInt(records.size() - 1));
                }
                int from = 0;
                for (int cut : at) {
                    send(producer, topic, records.subList(from, cut), seed);
                    sent.addAll(records.subList(from, cut));
                    consumer.restart();
                    from = cut;
                }
                send(producer, topic, records.subList(from, records.size()), seed);
                sent.addAll(records.subList(from, records.size()));

                String plans = awaitEquivalent(h, sent, "seed " + seed + " (restarted after records " + at + " of "
                        + records.size() + ")");
                LOG.infof("%s; plans %s; equivalent after %d ms", h.summary(), plans,
                        (System.nanoTime() - started) / 1_000_000);
                previousKeys = new TreeSet<>(h.truth.keySet());
            }
        }
        assertTrue(h != null, "vacuous: no seed (kafkaEquivalence.seeds=" + SEEDS + ")");
        consumer.restart();
        awaitEquivalent(h, sent, "seed " + h.seed + ", replayed from the whole topic (" + sent.size()
                + " records of " + SEEDS + " seeds) by a restarted consumer");
        assertTrue(deletingPlans > 0, "vacuous: no compared dry run deleted or removed anything");
    }

    /** Compared dry runs that deleted an image or removed a revision (the vacuity guard). */
    private int deletingPlans;

    private static void send(KafkaProducer<String, byte[]> producer, String topic, List<Record> records, long seed)
            throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (Record r : records) {
            acks.add(producer.send(new ProducerRecord<>(topic, r.key(), r.value())));
        }
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            assertNotNull(ack.get(), "seed " + seed + ": a record was not acknowledged");
        }
    }

    /**
     * Waits until the consumer is synced on this history's last marker and its graph equals the expected one; returns
     * what the expected plans contain (to show the comparison is not between empty plans).
     */
    private String awaitEquivalent(KafkaEquivalenceHistory h, List<Record> sent, String where) {
        ReferenceGraph fresh = new ReferenceGraph();
        h.truth.values().forEach(fresh::put);
        SortedMap<String, Object> expected = observe(fresh, h);
        List<PruneResult> plans = OPTIONS.stream().map(o -> PruneExecutor.dryRun(Planner.of(fresh, o))).toList();
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                assertTrue(live.synced(), where + ": not synced: " + live.notSyncedReason());
                SyncMarker marker = live.lastMarker();
                assertTrue(marker != null && marker.epoch() == h.finalEpoch,
                        where + ": last marker " + marker + ", expected epoch " + h.finalEpoch);
                assertEquals(0, live.lag(), where + ": lag");
                assertEquals(expected, live.read(g -> observe(g, h)), where + ": the live graph's objects and counts");
                for (int i = 0; i < OPTIONS.size(); i++) {
                    PruneOptions o = OPTIONS.get(i);
                    PruneResult actual = live.read(g -> PruneExecutor.dryRun(Planner.of(g, o)));
                    assertEquals(plans.get(i), actual, where + ": dry run with " + o);
                }
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            ReferenceGraph replayed = new ReferenceGraph();
            RecordApplier applier = new RecordApplier(new ProjectionCodec());
            sent.forEach(r -> applier.apply(replayed, r.key(), r.value(), m -> { }));
            boolean graphOk = expected.equals(observe(replayed, h));
            throw new AssertionError(where + ": the live graph never became equivalent to a fresh graph of the "
                    + "history's final objects (" + h.summary() + "); replaying the same " + sent.size()
                    + " records in order without Kafka " + (graphOk ? "DOES" : "does NOT")
                    + " give the expected objects; live graph vs expected: "
                    + diff(expected, live.read(g -> observe(g, h))), e);
        }
        deletingPlans += (int) plans.stream()
                .filter(p -> !p.imageDeletions().isEmpty() || !p.streamUpdates().isEmpty()).count();
        return plans.stream().map(p -> (p.refused() ? "refused" : p.imageDeletions().size() + " image deletions, "
                + p.streamUpdates().size() + " stream updates, " + p.blobDeletions().size() + " blob deletions"))
                .toList().toString();
    }

    /** The keys whose entries differ between two observations (at most 10), or "no difference". */
    private static String diff(SortedMap<String, Object> expected, SortedMap<String, Object> actual) {
        TreeSet<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            if (!java.util.Objects.equals(expected.get(k), actual.get(k)) && out.size() < 10) {
                out.add(k + (expected.containsKey(k) ? actual.containsKey(k) ? " differs" : " missing" : " extra"));
            }
        }
        return out.isEmpty() ? "no difference (only the plans or the sync state differ)" : out.toString();
    }

    /** The objects of a graph by key, its counts, and the global count of every digest the history mentions. */
    private static SortedMap<String, Object> observe(ReferenceGraph g, KafkaEquivalenceHistory h) {
        SortedMap<String, Object> m = new TreeMap<>();
        m.put("imageCount", g.imageCount());
        m.put("streamCount", g.streamCount());
        m.put("referrerCount", g.referrerCount());
        m.put("limitRangeCount", g.limitRangeCount());
        m.put("unreadableImages", new TreeSet<>(g.unreadableImages()));
        g.images().forEach(i -> m.put(ProjectionKeys.of(i), i));
        g.streams().forEach(s -> m.put(ProjectionKeys.of(s), s));
        for (ReferrerEntry e : g.referrers()) {
            m.put(ProjectionKeys.of(e.referrer()), e.referrer());
        }
        for (String ns : h.namespaces) {
            g.limitRanges(ns).forEach(l -> m.put(ProjectionKeys.of(l), l));
        }
        TreeSet<String> digests = new TreeSet<>(h.digests);
        g.images().forEach(i -> digests.add(i.name()));
        for (String d : digests) {
            int n = g.globalCount(d);
            if (n != 0) {
                m.put("globalCount " + d, n);
            }
        }
        return m;
    }
}
