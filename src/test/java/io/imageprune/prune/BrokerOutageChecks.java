package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.audit.Intent;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.registry.testkit.FaultProxy;
import io.imageprune.registry.testkit.RegistryPusher;
import io.imageprune.registry.testkit.RegistryPusher.PushedImage;
import io.imageprune.state.LiveGraph;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a broker outage must do to the service, whichever way the broker goes away (a subclass says how: a cut proxy,
 * a stopped process): while idle, within max-staleness the service is not ready, names the cause and refuses runs,
 * and when the broker is back it goes on from its position without a replay; a confirmed run against the real
 * registry stops before its next DELETE, and no DELETE went out without its intent on the audit topic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class BrokerOutageChecks {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(60);
    /** max-staleness plus the consumer's check interval and some slack: the bound the outage must be noticed in. */
    static final Duration NOTICED_WITHIN = Duration.ofSeconds(8);
    /** Tight freshness bounds so that the tests are quick; confirmed runs on request. */
    static final Map<String, String> SETTINGS = Map.ofEntries(Map.entry("imageprune.state.max-staleness", "3s"),
            Map.entry("imageprune.state.max-marker-age", "6s"),
            Map.entry("imageprune.ingest.heartbeat", "1s"),
            Map.entry("imageprune.prune.confirm", "true"),
            Map.entry("imageprune.prune.event-driven", "false"),
            Map.entry("imageprune.plan.keep-tag-revisions", "1"),
            Map.entry("imageprune.plan.keep-younger-than", "0s"),
            Map.entry("imageprune.prune.max-image-deletion-share", "1.0"),
            Map.entry("imageprune.api.runs.enabled", "true"),
            Map.entry("imageprune.api.runs.authenticate", "false"));
    private static final Pattern LINK_DELETE = Pattern.compile("/v2/(.+)/(manifests|blobs)/([^/]+)");

    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    LiveGraph live;
    @Inject
    MeterRegistry registry;
    @Inject
    ImagePruneConfig config;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    KubernetesClient client;

    /** The broker becomes unreachable; returns once it is (for a process: once it has exited). */
    abstract void brokerAway();

    /** The broker answers again, with its data and offsets. */
    abstract void brokerBack();

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

        boolean away = false;
        try {
            brokerAway();
            away = true;
            long awayAt = System.nanoTime();
            await().atMost(NOTICED_WITHIN).pollInterval(Duration.ofMillis(200))
                    .until(() -> given().get("/q/health/ready").then().extract().statusCode() == 503);
            assertTrue(Duration.ofNanos(System.nanoTime() - awayAt).compareTo(NOTICED_WITHIN) <= 0);
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
            assertEquals(-1.0, registry.get("imageprune.state.lag").gauge().value(), "the lag gauge too");
            assertEquals(0.0, registry.get("imageprune.state.synced").gauge().value(), "not synced");
            assertTrue(registry.get("imageprune.state.staleness").gauge().value() > 0, "the position ages");
        } finally {
            if (away) {
                brokerBack();
            }
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
        AtomicBoolean away = new AtomicBoolean();
        AtomicBoolean noticed = new AtomicBoolean();
        registryProxy.onRequest(FaultProxy.matching("DELETE", "/v2/ns9/kafka/.*"), () -> {
            if (away.compareAndSet(false, true)) {
                brokerAway();
                await().atMost(NOTICED_WITHIN).until(() -> !live.synced());
                noticed.set(true);
            }
        });
        JsonNode run;
        try {
            String id = MAPPER.readTree(given().post("/api/v1/runs").then().statusCode(202).extract().asString())
                    .get("id").asText();
            await().atMost(WAIT).until(() -> !"RUNNING".equals(report(id).get("state").asText()));
            run = report(id);
        } finally {
            if (away.get()) {
                brokerBack();
            }
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
        // no deletion without its audit record: the DELETE that went out has its intent on the topic
        Set<Intent> intents = new AuditTopic(kafka, config.kafka().topic().deletions(), WAIT).intents();
        for (String delete : deletes) {
            Intent intent = linkIntent(delete.substring("DELETE ".length()));
            assertTrue(intents.contains(intent), delete + " went out without its intent " + intent + ": " + intents);
        }
        await().atMost(WAIT).until(live::synced);
    }

    /** The intent a link DELETE of the registry API is sent under. */
    private static Intent linkIntent(String path) {
        Matcher link = LINK_DELETE.matcher(path);
        assertTrue(link.matches(), "a link DELETE: " + path);
        return link.group(2).equals("manifests") ? Intent.manifestLink(link.group(1), link.group(3))
                : Intent.layerLink(link.group(1), link.group(3));
    }

    static JsonNode report(String id) throws Exception {
        return MAPPER.readTree(given().get("/api/v1/runs/" + id).then().statusCode(200).extract().asString());
    }

    static Pod pod(String name, String image) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage(image).endContainer().endSpec()
                .withNewStatus().withPhase("Running").endStatus().build();
    }

    /** Object records the consumer applied (sync markers aside: the ingest keeps writing those). */
    double objectRecordsApplied() {
        return registry.find("imageprune.state.records").counters().stream()
                .filter(c -> !"SyncMarker".equals(c.getId().getTag("kind")))
                .mapToDouble(Counter::count).sum();
    }

    double counter(String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    static JsonNode status() throws Exception {
        return MAPPER.readTree(given().get("/api/v1/status").then().statusCode(200).extract().asString());
    }
}
