package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.ingest.ClusterIngest;
import io.imageprune.pipeline.CuttableKafka;
import io.imageprune.registry.testkit.FaultProxy;
import io.imageprune.registry.testkit.RegistryPusher;
import io.imageprune.registry.testkit.RegistryPusher.PushedImage;
import io.imageprune.projection.SyncMarker;
import io.imageprune.state.LiveGraph;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Freshness is part of "synced", with a real broker that becomes unreachable (a TCP proxy in front of it is cut) and a
 * real ingest on the CRUD mock API: an outage makes the service not ready and refuses runs within max-staleness, and
 * when the broker answers again the consumer goes on from its position; an ingest that stops writing markers, or one
 * that could not publish, makes the graph stale until it has relisted; a confirmed run against the real registry stops
 * before its next DELETE when the broker goes away.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(KafkaOutageTest.Settings.class)
@WithTestResource(value = RealRegistry.class, initArgs = @ResourceArg(name = "flavour", value = "distribution"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaOutageTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** max-staleness plus the consumer's check interval and some slack: the bound the outage must be noticed in. */
    private static final Duration NOTICED_WITHIN = Duration.ofSeconds(8);

    /** The broker behind a proxy; tight freshness bounds so that the test is quick; confirmed runs on request. */
    public static class Settings extends CuttableKafka {
        @Override
        protected Map<String, String> settings() {
            return Map.ofEntries(Map.entry("imageprune.state.max-staleness", "3s"),
                    Map.entry("imageprune.state.max-marker-age", "6s"),
                    Map.entry("imageprune.ingest.heartbeat", "1s"),
                    Map.entry("imageprune.prune.confirm", "true"),
                    Map.entry("imageprune.prune.event-driven", "false"),
                    Map.entry("imageprune.plan.keep-tag-revisions", "1"),
                    Map.entry("imageprune.plan.keep-younger-than", "0s"),
                    Map.entry("imageprune.prune.max-image-deletion-share", "1.0"),
                    Map.entry("imageprune.api.runs.enabled", "true"),
                    Map.entry("imageprune.api.runs.authenticate", "false"));
        }
    }

    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    LiveGraph live;
    @Inject
    ClusterIngest ingest;
    @Inject
    MeterRegistry registry;

    private KubernetesClient client;

    @BeforeEach
    void connect() {
        client = server.getClient();
        await().atMost(WAIT).until(live::synced);
    }

    @Test
    @Order(1)
    void anUnreachableBrokerMakesTheServiceNotReadyAndRefusesRunsUntilItAnswersAgainWithoutAReplay() throws Exception {
        for (int i = 0; i < 5; i++) {
            client.pods().inNamespace("ns").resource(pod("p" + i, "registry.example/ns/app:v" + i)).create();
        }
        await().atMost(WAIT).until(() -> live.objectsPerKind().get("Pod") == 5);
        await().atMost(WAIT).until(live::synced);
        given().get("/q/health/ready").then().statusCode(200);
        double applied = objectRecordsApplied();
        assertTrue(applied >= 5, "the pods were applied: " + applied);

        long cutAt = System.nanoTime();
        CuttableKafka.cut();
        try {
            await().atMost(NOTICED_WITHIN).pollInterval(Duration.ofMillis(200))
                    .until(() -> given().get("/q/health/ready").then().extract().statusCode() == 503);
            assertTrue(Duration.ofNanos(System.nanoTime() - cutAt).compareTo(NOTICED_WITHIN) <= 0);
            JsonNode status = status();
            assertEquals(false, status.get("synced").asBoolean(), status.toString());
            assertTrue(status.get("notSyncedReason").asText().startsWith("Kafka unreachable since "), status.toString());
            assertEquals("UNREACHABLE", status.get("kafka").get("state").asText(), status.toString());
            assertEquals(-1, status.get("lag").asLong(), "an unknown lag is unknown, never 0: " + status);
            JsonNode ready = MAPPER.readTree(given().get("/q/health/ready").then().extract().asString());
            assertTrue(ready.toString().contains("Kafka unreachable since"), ready.toString());

            JsonNode refusal = MAPPER.readTree(given().post("/api/v1/runs").then().statusCode(503).extract().asString());
            assertEquals("NOT_SYNCED", refusal.get("gate").asText(), refusal.toString());
            assertTrue(refusal.get("error").asText().contains("Kafka unreachable since"), refusal.toString());
            assertEquals(0.0, registry.get("imageprune.state.kafka.connected").gauge().value(), "the gauge shows it");
            assertEquals(0.0, registry.get("imageprune.state.synced").gauge().value(), "not synced");
            assertTrue(registry.get("imageprune.state.staleness").gauge().value() > 0, "the position ages");
        } finally {
            CuttableKafka.restore();
        }

        await().atMost(WAIT).until(() -> given().get("/q/health/ready").then().extract().statusCode() == 200);
        JsonNode status = status();
        assertTrue(status.get("synced").asBoolean(), status.toString());
        assertEquals("CONNECTED", status.get("kafka").get("state").asText(), status.toString());
        assertTrue(status.get("newestMarker").get("lastFault").asText().startsWith("Kafka was unreachable from"),
                "a marker written after the outage was awaited: " + status);
        assertEquals(applied, objectRecordsApplied(), "the consumer went on from its position: no record replayed");
        assertEquals(5, live.objectsPerKind().get("Pod"));
    }

    @Test
    @Order(2)
    void anIngestThatStopsWritingMarkersMakesTheGraphStale() throws Exception {
        ingest.stop();
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> !live.synced());
            String reason = live.notSyncedReason();
            assertTrue(reason.contains("imageprune.state.max-marker-age=PT6S"), reason);
            JsonNode refusal = MAPPER.readTree(given().post("/api/v1/runs").then().statusCode(503).extract().asString());
            assertEquals("NOT_SYNCED", refusal.get("gate").asText(), refusal.toString());
            given().get("/q/health/ready").then().statusCode(503);
        } finally {
            ingest.start();
        }
        await().atMost(WAIT).until(live::synced);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    @Order(3)
    void aPublishFailureMakesTheIngestRelistAndWriteANewMarker() throws Exception {
        long epochBefore = live.lastMarker().epoch();
        double relistsBefore = counter("imageprune.ingest.relists");
        // a projection larger than the producer's max.request.size: its publish fails for real
        List<Container> containers = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            containers.add(new ContainerBuilder().withName("c" + i)
                    .withImage("registry.example/ns/" + "x".repeat(600) + ":v" + i).build());
        }
        client.pods().inNamespace("ns").resource(new PodBuilder().withNewMetadata().withName("huge")
                .withNamespace("ns").endMetadata().withNewSpec().withContainers(containers).endSpec().build())
                .create();

        await().atMost(WAIT).until(() -> !live.synced());
        String reason = live.notSyncedReason();
        assertTrue(reason.contains("could not publish the projection of Pod/ns/huge"), reason);
        given().post("/api/v1/runs").then().statusCode(503);

        client.pods().inNamespace("ns").withName("huge").delete();
        await().atMost(WAIT).until(live::synced);
        SyncMarker marker = live.lastMarker();
        assertNull(marker.fault());
        assertTrue(marker.epoch() > epochBefore, "a new listing's marker: " + marker);
        assertTrue(counter("imageprune.ingest.relists") > relistsBefore, "the ingest relisted");
        assertNotNull(live.objectsPerKind().get("Pod"));
        assertEquals(5, live.objectsPerKind().get("Pod"), "the huge pod never reached the graph");
    }

    @Test
    @Order(4)
    void aConfirmedRunStopsBeforeItsNextDeleteWhenTheBrokerGoesAway() throws Exception {
        FaultProxy registryProxy = RealRegistry.proxy();
        registryProxy.clearRules();
        registryProxy.clearRequests();
        OpenShiftClient openshift = client.adapt(OpenShiftClient.class);
        ClusterObjects cluster = ClusterObjects.ofRealRegistry(openshift);
        RegistryPusher pusher = new RegistryPusher(RealRegistry.registry().url());
        PushedImage k1 = pusher.push("ns9/kafka", "k1", List.of("kafka one"));
        PushedImage k2 = pusher.push("ns9/kafka", "k2", List.of("kafka two"));
        cluster.mirror("ns9/kafka", List.of(k2, k1));
        await().atMost(WAIT).until(() -> status().toString().contains("\"synced\":true")
                && MAPPER.readTree(given().get("/api/v1/plan").then().statusCode(200).extract().asString())
                .get("imageDeletions").toString().contains(k1.manifestDigest()));
        // the broker goes away while the first link deletion is on its way; the DELETE goes on once it is noticed
        AtomicBoolean noticed = new AtomicBoolean();
        registryProxy.onRequest(FaultProxy.matching("DELETE", "/v2/ns9/kafka/.*"), () -> {
            CuttableKafka.cut();
            await().atMost(NOTICED_WITHIN).until(() -> !live.synced());
            noticed.set(true);
        });
        JsonNode run;
        try {
            String id = MAPPER.readTree(given().post("/api/v1/runs").then().statusCode(202).extract().asString())
                    .get("id").asText();
            await().atMost(WAIT).until(() -> !"RUNNING".equals(report(id).get("state").asText()));
            run = report(id);
        } finally {
            CuttableKafka.restore();
        }

        Set<String> deletes = new HashSet<>();
        registryProxy.requests("DELETE", ".*").forEach(r -> deletes.add(r.method() + " " + r.path()));
        assertTrue(noticed.get(), "the outage was noticed while the first DELETE was held back");
        assertEquals(1, deletes.size(), "nothing after the broker went away: " + deletes + " " + run);
        assertFalse(run.get("actions").get("MANIFEST_LINK").has("DONE"), run.toString());
        assertTrue(run.get("failures").toString().contains("not sent: ") || run.get("actions").get("MANIFEST_LINK")
                .has("SAVED"), "the manifest link was held back (its intent unacknowledged, or stopped): " + run);
        assertEquals("FAILED", run.get("state").asText(), "a stopped run did not do its job: " + run);
        assertTrue(run.get("reason").asText().startsWith("stopped before its end: the reference graph"), run.toString());
        assertNotNull(openshift.images().withName(k1.manifestDigest()).get(), "stage 2 deleted nothing either");
        assertTrue(pusher.pull("ns9/kafka", k2.manifestDigest()), "the kept image still pulls");
        await().atMost(WAIT).until(live::synced);
    }

    /** Found by the chaos soak: a service restarted during a broker outage never became synced again. */
    @Test
    @Order(5)
    void anIngestStartedWhileTheBrokerIsAwayStartsOnceItAnswers() {
        ingest.stop();
        long epochBefore = ingest.epoch();
        CuttableKafka.cut();
        try {
            ingest.startInBackground();
            // the topic check times out (30 s) while the broker is away: the start failed once
            await().atMost(Duration.ofSeconds(90)).until(() -> ingest.startProblem() != null);
            assertTrue(ingest.startProblem().startsWith("cannot prepare the state topic"), ingest.startProblem());
        } finally {
            CuttableKafka.restore();
        }
        await().atMost(WAIT).until(() -> live.synced() && ingest.epoch() > epochBefore);
        assertNull(ingest.startProblem(), "started once the broker answered");
    }

    private static JsonNode report(String id) throws Exception {
        return MAPPER.readTree(given().get("/api/v1/runs/" + id).then().statusCode(200).extract().asString());
    }

    private static Pod pod(String name, String image) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage(image).endContainer().endSpec()
                .withNewStatus().withPhase("Running").endStatus().build();
    }

    /** Object records the consumer applied (sync markers aside: the ingest keeps writing those). */
    private double objectRecordsApplied() {
        return registry.find("imageprune.state.records").counters().stream()
                .filter(c -> !"SyncMarker".equals(c.getId().getTag("kind")))
                .mapToDouble(Counter::count).sum();
    }

    private double counter(String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static JsonNode status() throws Exception {
        return MAPPER.readTree(given().get("/api/v1/status").then().statusCode(200).extract().asString());
    }
}
