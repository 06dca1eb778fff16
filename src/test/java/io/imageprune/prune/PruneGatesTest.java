package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.pipeline.RawRecords;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.registry.testkit.RegistryPusher.Blob;
import io.imageprune.registry.testkit.RegistryPusher.PushedImage;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.state.DeadLetters;
import io.imageprune.state.LiveGraph;
import io.imageprune.state.StateConsumer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.imageprune.prune.ApiOnlyImages.image;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Safety rule 3 at the REST surface: runs are dry unless confirmed, and refused with the reason while the graph is
 * not synced, when counted referrers have invalid references, or when a run would delete too many images.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(InProcessKafka.class)
@WithTestResource(PruneGatesTest.Settings.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PruneGatesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String HOST = "registry.invalid:5000";
    /** A state key whose unreadable record the operator acknowledged. */
    private static final String ACKNOWLEDGED = "Pod/gates/acknowledged";

    /**
     * Dry runs (the default), at most one image, two layer links, one manifest link and three blobs per run (what
     * the first test's run deletes exactly), everything old enough at once.
     */
    public static class Settings extends PruneTestSettings {
        @Override
        Map<String, String> settings() {
            return Map.of("imageprune.prune.event-driven", "false", "imageprune.plan.keep-younger-than", "0s",
                    "imageprune.prune.max-image-deletions", "1", "imageprune.prune.max-layer-link-deletions", "2",
                    "imageprune.prune.max-manifest-link-deletions", "1", "imageprune.prune.max-blob-deletions", "3",
                    "imageprune.state.acknowledged-unreadable", ACKNOWLEDGED);
        }
    }

    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    LiveGraph live;
    @Inject
    StateConsumer consumer;
    @Inject
    ImagePruneConfig config;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private OpenShiftClient client;
    private ClusterObjects cluster;

    @BeforeEach
    void connect() {
        client = server.getClient().adapt(OpenShiftClient.class);
        cluster = new ClusterObjects(client, HOST);
        await().atMost(WAIT).until(live::synced);
    }

    // Each case builds its own images in a namespace of its own and is written out whole, so that a failure shows
    // its case: their openings look alike (the duplicates tool pairs them), what they test does not.
    @Test
    @Order(1)
    void aRunIsDryUnlessConfirmedAndChangesNothing() throws Exception {
        PushedImage old = image("ns1/app", "old");
        PushedImage current = image("ns1/app", "current");
        cluster.createImage(old);
        cluster.createImage(current);
        cluster.createStream("ns1/app", "latest", List.of(current, old));
        await().atMost(WAIT).until(() -> LivePlan.imageDeletions().contains(old.manifestDigest()));

        var response = given().post("/api/v1/runs").then().statusCode(202).extract();
        String id = MAPPER.readTree(response.asString()).get("id").asText();
        assertTrue(response.header("Location").endsWith("/api/v1/runs/" + id), response.header("Location"));
        JsonNode run = RunsApi.awaitEnd(id, WAIT);
        assertEquals("SUCCEEDED", run.get("state").asText(), run.toString());
        assertTrue(run.get("dryRun").asBoolean());
        assertEquals("deleted 1 image object(s), deleted 1 image stream tag item(s), updated 1 image stream(s), "
                + "deleted 2 layer link(s), deleted 1 manifest link(s), deleted 3 blob(s)", run.get("summary").asText());
        assertNotNull(client.images().withName(old.manifestDigest()).get(), "a dry run deletes nothing");
        assertEquals(2, client.imageStreams().inNamespace("ns1").withName("app").get().getStatus().getTags().get(0)
                .getItems().size());
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("imageprune_prune_actions_total{dry_run=\"true\",kind=\"image\",outcome=\"done\"}"),
                "actions are counted by kind and outcome");
    }

    @Test
    @Order(2)
    void aRunThatWouldDeleteTooManyImagesIsRefused() throws Exception {
        PushedImage orphanA = image("ns2/gone", "orphan a");
        PushedImage orphanB = image("ns2/gone", "orphan b");
        cluster.createImage(orphanA);
        cluster.createImage(orphanB);
        await().atMost(WAIT).until(() -> LivePlan.imageDeletions().containsAll(Set.of(orphanA.manifestDigest(),
                orphanB.manifestDigest())));

        JsonNode refusal = RunsApi.refused(422);

        assertEquals("TOO_MANY_DELETIONS", refusal.get("gate").asText());
        assertTrue(refusal.get("error").asText().contains("imageprune.prune.max-image-deletions=1"), refusal.toString());
        JsonNode run = RunsApi.report(refusal.get("run").asText());
        assertEquals("REFUSED", run.get("state").asText());
        assertEquals(refusal.get("error").asText(), run.get("reason").asText());
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("imageprune_prune_refusals_total{gate=\"too_many_deletions\"}"), "counted");
        client.images().withName(orphanB.manifestDigest()).delete();
        await().atMost(WAIT).until(() -> !LivePlan.imageDeletions().contains(orphanB.manifestDigest()));
    }

    @Test
    @Order(3)
    void anInvalidReferenceRefusesTheRunWithOcsMessage() throws Exception {
        cluster.createPod("ns3", "broken", "Invalid::Reference");
        await().atMost(WAIT).until(() -> given().get("/api/v1/plan").then().extract().asString()
                .contains("Invalid::Reference"));

        JsonNode refusal = RunsApi.refused(422);

        assertEquals("INVALID_REFERENCES", refusal.get("gate").asText());
        assertTrue(refusal.get("error").asText().contains("Invalid::Reference"), refusal.toString());
        client.pods().inNamespace("ns3").withName("broken").delete();
        await().atMost(WAIT).until(() -> !given().get("/api/v1/plan").then().extract().asString()
                .contains("Invalid::Reference"));
    }

    @Test
    @Order(3)
    void anImageWithAnUnsafeDigestRefusesTheRunNamingTheObjectTheFieldAndTheValue() throws Exception {
        PushedImage safe = image("ns3/evil", "evil");
        String hostileLayer = safe.layerDigest() + "?evil";
        PushedImage hostile = new PushedImage("ns3/evil", "evil", safe.manifestDigest(), hostileLayer, 10,
                safe.configDigest(), 5, "{}", List.of(new Blob(hostileLayer, 10)));
        cluster.createImage(hostile);
        await().atMost(WAIT).until(() -> given().get("/api/v1/plan").then().extract().asString()
                .contains(hostileLayer));

        JsonNode refusal = RunsApi.refused(422);

        assertEquals("INVALID_REFERENCES", refusal.get("gate").asText());
        assertTrue(refusal.get("error").asText().contains("images/" + hostile.manifestDigest()
                + ": dockerImageLayers[0].name: invalid digest \"" + hostileLayer + "\""), refusal.toString());
        client.images().withName(hostile.manifestDigest()).delete();
        await().atMost(WAIT).until(() -> !given().get("/api/v1/plan").then().extract().asString()
                .contains(hostileLayer));
    }

    @Test
    @Order(4)
    void nothingRunsWhileTheGraphIsNotSynced() throws Exception {
        consumer.restart();
        JsonNode refusal = RunsApi.refused(503);
        assertEquals("NOT_SYNCED", refusal.get("gate").asText());
        assertTrue(refusal.get("error").asText().startsWith("the reference graph is not synced"), refusal.toString());
        await().atMost(WAIT).until(live::synced);
        JsonNode next = RunsApi.refused(422);
        assertEquals("TOO_MANY_DELETIONS", next.get("gate").asText(), "once synced, the next gate decides");
    }

    @Test
    @Order(5)
    void eachKindOfDeletionIsCappedPerRunAlone() throws Exception {
        // what earlier tests left to prune goes first, so that each case below exceeds one cap only
        client.imageStreams().inNamespace("ns1").withName("app").delete();
        for (String name : List.of("old", "current")) {
            client.images().withName(image("ns1/app", name).manifestDigest()).delete();
        }
        client.images().withName(image("ns2/gone", "orphan a").manifestDigest()).delete();
        await().atMost(WAIT).until(() -> LivePlan.imageDeletions().isEmpty());

        // blobs: an orphan with two layers deletes 4 blobs (layers, config, manifest), one image, no link
        PushedImage fat = withLayers(image("ns5/fat", "fat"), "fat", 2, "fat config");
        cluster.createImage(fat);
        assertRefusedNaming("max-blob-deletions=3", () -> LivePlan.imageDeletions().contains(fat.manifestDigest()));
        deleteImages(fat);

        // layer links: an old revision whose layers and config a kept image elsewhere shares: 3 links, 1 blob
        PushedImage shared = withLayers(image("ns6/y", "shared"), "shared", 2, "shared config");
        PushedImage old = withLayers(image("ns6/x", "old"), "shared", 2, "shared config");
        PushedImage newest = image("ns6/x", "newest");
        List.of(shared, old, newest).forEach(cluster::createImage);
        cluster.createStream("ns6/y", "latest", List.of(shared));
        cluster.createStream("ns6/x", "latest", List.of(newest, old));
        assertRefusedNaming("max-layer-link-deletions=2", () -> LivePlan.imageDeletions().contains(old.manifestDigest()));
        client.imageStreams().inNamespace("ns6").withName("x").delete();
        client.imageStreams().inNamespace("ns6").withName("y").delete();
        deleteImages(shared, old, newest);

        // manifest links: two old revisions of images other streams keep, all sharing one layer and config
        PushedImage kept1 = withLayers(image("ns7/m", "kept one"), "common", 1, "common config");
        PushedImage kept2 = withLayers(image("ns7/m", "kept two"), "common", 1, "common config");
        PushedImage top = withLayers(image("ns7/m", "top"), "common", 1, "common config");
        List.of(kept1, kept2, top).forEach(cluster::createImage);
        cluster.createStream("ns7/k1", "latest", List.of(kept1));
        cluster.createStream("ns7/k2", "latest", List.of(kept2));
        cluster.createStream("ns7/m", "latest", List.of(top, kept1, kept2));
        assertRefusedNaming("max-manifest-link-deletions=1", () -> MAPPER.readTree(given().get("/api/v1/plan")
                .then().statusCode(200).extract().asString()).get("manifestDeletions").size() == 2);
    }

    @Test
    @Order(6)
    void anUnreadableNewestRecordStopsRunsUntilItsKeyIsReadableAgain() throws Exception {
        String key = "Pod/gates/web";
        publish(key, "not json".getBytes(StandardCharsets.UTF_8));
        assertNotSyncedNaming(key, "malformed JSON");
        given().get("/q/health/ready").then().statusCode(503);
        assertTrue(given().get("/q/metrics").then().statusCode(200).extract().asString()
                .contains("imageprune_state_unreadable_keys 1.0"));

        // the ingest publishes the pod it lists: a readable newest record for the same key
        client.pods().inNamespace("gates").resource(new PodBuilder().withNewMetadata().withName("web")
                .withNamespace("gates").endMetadata().withNewSpec().addNewContainer().withName("c")
                .withImage("busybox").endContainer().endSpec().build()).create();
        await().atMost(WAIT).until(live::synced);
        given().get("/q/health/ready").then().statusCode(200);
        assertEquals(0, status().get("unreadable").get("count").asInt());

        // a projection version this reader does not know: what a replica meets after an upgrade of the ingest
        publish(key, ("{\"v\":" + (ProjectionCodec.VERSION + 1) + ",\"kind\":\"Pod\",\"namespace\":\"gates\","
                + "\"name\":\"web\"}").getBytes(StandardCharsets.UTF_8));
        assertNotSyncedNaming(key, "unsupported projection schema version");
        publish(key, null);
        await().atMost(WAIT).until(live::synced);
    }

    @Test
    @Order(7)
    void anAcknowledgedKeyDoesNotBlock() throws Exception {
        await().atMost(WAIT).until(live::synced);
        publish(ACKNOWLEDGED, "not json".getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> status().get("unreadable").get("acknowledged").toString()
                .contains(ACKNOWLEDGED));
        assertTrue(live.synced(), live.notSyncedReason());
        assertEquals(0, status().get("unreadable").get("count").asInt());
    }

    @Test
    @Order(8)
    void aRecordTooLargeToDeadLetterWholeIsDeadLetteredTruncatedWithItsSizeAndDigest() throws Exception {
        String key = "Pod/gates/big";
        // just below the producer's and the broker's 1 MiB default: the dead-letter headers push it over
        byte[] value = new byte[1024 * 1024 - 160];
        java.util.Arrays.fill(value, (byte) 'x');
        publish(key, value);
        assertNotSyncedNaming(key, "cannot decode");
        ConsumerRecord<String, byte[]> dead = deadLetter(key);
        assertEquals(DeadLetters.TRUNCATED_VALUE_BYTES, dead.value().length);
        assertEquals(Integer.toString(value.length), header(dead, DeadLetters.ORIGINAL_SIZE_HEADER));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value)),
                header(dead, DeadLetters.ORIGINAL_SHA256_HEADER));
        publish(key, null);
        await().atMost(WAIT).until(live::synced);
    }

    private void assertNotSyncedNaming(String key, String reason) throws Exception {
        await().atMost(WAIT).until(() -> !live.synced());
        JsonNode status = status();
        assertTrue(status.get("notSyncedReason").asText().contains(key + " (" ), status.toString());
        assertEquals(1, status.get("unreadable").get("count").asInt(), status.toString());
        JsonNode named = status.get("unreadable").get("keys").get(0);
        assertEquals(key, named.get("key").asText());
        assertTrue(named.get("reason").asText().contains(reason), named.toString());
        JsonNode refusal = RunsApi.refused(503);
        assertEquals("NOT_SYNCED", refusal.get("gate").asText());
        assertTrue(refusal.get("error").asText().contains(key), refusal.toString());
    }

    private static JsonNode status() throws Exception {
        return MAPPER.readTree(given().get("/api/v1/status").then().statusCode(200).extract().asString());
    }

    private void publish(String key, byte[] value) throws Exception {
        RawRecords.send(kafka, config.kafka().topic().state(), key, value);
    }

    private ConsumerRecord<String, byte[]> deadLetter(String key) {
        return RawRecords.deadLetter(kafka, config.kafka().topic().dlq(), key, WAIT);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        assertNotNull(record.headers().lastHeader(name), name);
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** Waits until the plan shows the case, then checks that a run is refused naming this cap and no other. */
    private void assertRefusedNaming(String cap, java.util.concurrent.Callable<Boolean> planned) throws Exception {
        await().atMost(WAIT).until(planned);
        JsonNode refusal = RunsApi.refused(422);
        assertEquals("TOO_MANY_DELETIONS", refusal.get("gate").asText(), refusal.toString());
        String error = refusal.get("error").asText();
        assertTrue(error.contains(cap), error);
        assertEquals(1, error.split("more than").length - 1, "only this cap is exceeded: " + error);
    }

    /** The image with {@code count} layers and a config named after {@code content}: same content, same digests. */
    private static PushedImage withLayers(PushedImage image, String content, int count, String config) {
        List<Blob> layers = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            layers.add(new Blob(image("any/repo", content + " layer " + i).layerDigest(), 10));
        }
        return new PushedImage(image.repository(), image.tag(), image.manifestDigest(), layers.get(0).digest(), 10,
                image("any/repo", config).configDigest(), 5, "{}", layers);
    }

    private void deleteImages(PushedImage... images) throws Exception {
        for (PushedImage image : images) {
            client.images().withName(image.manifestDigest()).delete();
        }
        await().atMost(WAIT).until(() -> LivePlan.imageDeletions().isEmpty() && live.read(g -> java.util.Arrays.stream(images)
                .allMatch(i -> g.image(i.manifestDigest()) == null)));
    }
}
