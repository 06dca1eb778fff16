package io.imageprune.ingest;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.config.ReferrerSettings;
import io.imageprune.model.ReferrerKind;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.state.DeadLetters;
import io.imageprune.state.LiveGraph;
import io.imageprune.state.StateConsumer;
import io.imageprune.state.StateMetrics;
import io.imageprune.state.Topics;
import io.imageprune.testkit.ApiServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A watch lost while the cluster changes: the API server stops serving watches for longer than two heartbeats, a pod
 * is created and another deleted meanwhile, then watches are served again from a history that moved on (410 Gone).
 * The ingest writes a marker carrying the fault at once, relists, republishes, and writes a marker without a fault of a
 * new listing (a higher epoch); the state side (the real {@link StateConsumer} replaying into a {@link LiveGraph})
 * is not synced in between and then sees both changes. The real {@link ClusterIngest}, a real in-process broker and
 * the CRUD mock API server.
 */
class LostWatchRelistTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final InProcessKafka kafka = new InProcessKafka();
    private ApiServer api;
    private OpenShiftClient ingestClient;
    private StatePublisher publisher;
    private ClusterIngest ingest;
    private StateConsumer consumer;

    @AfterEach
    void stopAll() {
        if (consumer != null) {
            consumer.shutDown(Duration.ofSeconds(10));
        }
        if (ingest != null) {
            ingest.shutDown();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (ingestClient != null) {
            ingestClient.close();
        }
        if (api != null) {
            api.close();
        }
        kafka.stop();
    }

    @Test
    void aLostWatchMakesTheIngestRelistAndWriteANewMarkerThatCoversTheChangesMadeMeanwhile() {
        Map<String, Object> broker = Map.of("bootstrap.servers", kafka.start().get("kafka.bootstrap.servers"));
        api = new ApiServer();
        api.client().pods().inNamespace("shop").resource(pod("old")).create();
        ImagePruneConfig config = StandaloneConfig.of(Map.of("imageprune.ingest.heartbeat", "300ms",
                "imageprune.ingest.id", "watch-loss-ingest",
                "imageprune.kafka.topic.partitions", "1"));
        publisher = new StatePublisher(config, broker, new SimpleMeterRegistry());
        // watches retried every 100 ms at first (not 1 s): the backoff doubles, and the test waits for the reconnect
        ingestClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(api.url())
                .withWatchReconnectInterval(100).build()).build().adapt(OpenShiftClient.class);
        MeterRegistry ingestMetrics = new SimpleMeterRegistry();
        ingest = new ClusterIngest(config, new OnlyInstance<>(ingestClient), publisher, new Topics(config, broker),
                new TopicKeys(config, broker), ingestMetrics, new ReferrerSettings(config));
        LiveGraph live = new LiveGraph(config);
        consumer = new StateConsumer(config, live, broker, new Topics(config, broker), new DeadLetters(config, broker),
                new StateMetrics(new SimpleMeterRegistry(), live, config));
        ingest.startInBackground();
        consumer.start();
        await().atMost(WAIT).until(() -> live.synced() && hasPod(live, "old"));
        long listedEpoch = live.lastMarker().epoch();
        double relistsBefore = relists(ingestMetrics);

        api.loseWatches();
        // not watching at two heartbeats in a row: the ingest's fault marker reaches the state side
        await().atMost(WAIT).until(() -> String.valueOf(live.markerStatus().get("lastFault")).contains("watch lost: "));
        assertFalse(live.synced(), "a lost watch makes the graph stale");
        assertTrue(live.notSyncedReason().contains("watch lost: "), live.notSyncedReason());
        api.client().pods().inNamespace("shop").resource(pod("new")).create();
        api.client().pods().inNamespace("shop").withName("old").delete();
        api.restoreWatches();

        await().atMost(WAIT).until(() -> live.synced() && live.lastMarker().epoch() > listedEpoch);
        assertNull(live.lastMarker().fault(), "the new marker carries no fault: " + live.lastMarker());
        assertTrue(relists(ingestMetrics) > relistsBefore, "the ingest relisted");
        assertTrue(hasPod(live, "new"), "the pod created while the watch was lost is in the graph");
        assertFalse(hasPod(live, "old"), "the pod deleted while the watch was lost is gone from the graph");
        assertTrue(String.valueOf(live.markerStatus().get("lastFault")).contains("watch lost: "),
                "the marker is newer than that fault: " + live.markerStatus());
    }

    private static boolean hasPod(LiveGraph live, String name) {
        return live.read(graph -> graph.referrer(ReferrerKind.POD, "shop", name) != null);
    }

    private static double relists(MeterRegistry registry) {
        return registry.find(IngestMetrics.RELISTS).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static Pod pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("shop").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("registry.example/shop/" + name + ":v1")
                .endContainer().endSpec().withNewStatus().withPhase("Running").endStatus().build();
    }
}
