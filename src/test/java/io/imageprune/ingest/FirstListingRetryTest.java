package io.imageprune.ingest;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.config.ReferrerSettings;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.projection.SyncMarker;
import io.imageprune.state.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A first listing that fails (the API server restarting: a kind's list answered 500) is tried again every heartbeat
 * until it completes, and only then is a sync marker written. Before, the start gave up for good: no marker was ever
 * written again and the graph never became synced (the chaos soak found it after an API server restart). The real
 * {@link ClusterIngest} against a real in-process broker and the CRUD mock API server.
 */
class FirstListingRetryTest {
    private static final int FAILED_LISTS = 2;

    private final InProcessKafka kafka = new InProcessKafka();
    private KubernetesMockServer server;
    private OpenShiftClient client;
    private ClusterIngest ingest;
    private StatePublisher publisher;

    @AfterEach
    void stopAll() {
        if (ingest != null) {
            ingest.shutDown();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.destroy();
        }
        kafka.stop();
    }

    @Test
    void aFirstListingThatFailedIsTriedAgainUntilItsMarkerIsWritten() {
        Map<String, Object> broker = Map.of("bootstrap.servers", kafka.start().get("kafka.bootstrap.servers"));
        PodsFailFirst dispatcher = new PodsFailFirst();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient().adapt(OpenShiftClient.class);
        client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("web")
                .withNamespace("shop").endMetadata().withNewSpec().addNewContainer().withName("c")
                .withImage("registry/shop/web:latest").endContainer().endSpec().build()).create();
        dispatcher.failing = true;

        ImagePruneConfig config = config();
        publisher = new StatePublisher(config, broker, new SimpleMeterRegistry());
        TopicKeys topicKeys = new TopicKeys(config, broker);
        ingest = new ClusterIngest(config, new OnlyInstance<>(client), publisher, new Topics(config, broker), topicKeys,
                new SimpleMeterRegistry(), new ReferrerSettings(config));
        ingest.startInBackground();

        await().atMost(Duration.ofSeconds(60)).until(() -> dispatcher.failed.get() >= FAILED_LISTS
                && ingest.startProblem() == null && topicKeys.liveKeys().contains(markerKey(config)));
        assertEquals(FAILED_LISTS, dispatcher.failed.get(), "the first listings failed");
        assertNull(ingest.startProblem());
        Set<String> keys = topicKeys.liveKeys();
        assertTrue(keys.contains("Pod/shop/web"), "the retried listing published the pod: " + keys);
        assertEquals("watching", ingest.kindStatus().get("Pod"));
    }

    private static String markerKey(ImagePruneConfig config) {
        return new SyncMarker(config.ingest().id(), 0, Instant.EPOCH, Map.of()).key();
    }

    private static ImagePruneConfig config() {
        return StandaloneConfig.of(Map.of("imageprune.ingest.heartbeat", "300ms",
                "imageprune.ingest.id", "retrying-ingest",
                "imageprune.kafka.topic.partitions", "1"));
    }

    /** The CRUD mock API whose pod lists answer 500 the first {@link #FAILED_LISTS} times once failing. */
    private static final class PodsFailFirst extends KubernetesCrudDispatcher {
        volatile boolean failing;
        final AtomicInteger failed = new AtomicInteger();

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            if (failing && "GET".equals(request.getMethod()) && path.contains("/pods") && !path.contains("watch=true")
                    && failed.getAndUpdate(n -> n < FAILED_LISTS ? n + 1 : n) < FAILED_LISTS) {
                return new MockResponse().setResponseCode(500).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                        + "\"status\":\"Failure\",\"message\":\"the API server is restarting\",\"code\":500}");
            }
            return super.dispatch(request);
        }
    }
}
