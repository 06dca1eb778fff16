package io.imageprune.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.cli.ImagePruneCommand;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.ingest.ClusterIngest;
import io.imageprune.ingest.WatchedKind;
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
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event pipeline end to end: objects in the (CRUD mock) cluster API → ingest → a real Kafka broker → state
 * consumer → live graph → {@code GET /api/v1/plan}, which must equal {@code plan} on a List of the same objects.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(InProcessKafka.class)
class PipelineTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The mock API stamps objects with the real creation time; a day later they are all past keep-younger-than. */
    private static final String NOW = java.time.Instant.now().plus(Duration.ofDays(1)).toString();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    LiveGraph live;
    @Inject
    StateConsumer consumer;
    @Inject
    ClusterIngest ingest;
    @Inject
    ImagePruneConfig config;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    /**
     * Every test starts from the example cluster in the API and in the graph, whatever ran before it: the objects of
     * {@code examples/cluster.json} an earlier test deleted are created again (changed ones stay as they are).
     */
    @BeforeEach
    void exampleCluster() throws Exception {
        await().atMost(WAIT).until(live::synced);
        OpenShiftClient client = server.getClient().adapt(OpenShiftClient.class);
        for (JsonNode item : example().get("items")) {
            HasMetadata object = client.getKubernetesSerialization().unmarshal(item.toString());
            if (client.resource(object).get() == null) {
                client.resource(object).create();
            }
        }
        awaitPlanEqualsSnapshotOf(client);
    }

    private static JsonNode example() throws java.io.IOException {
        return MAPPER.readTree(Path.of("examples/cluster.json").toFile());
    }

    @Test
    void clusterObjectsReachTheGraphAndPlanLikeASnapshot() throws Exception {
        OpenShiftClient client = server.getClient().adapt(OpenShiftClient.class);
        JsonNode example = example();
        // the example cluster planned alike (@BeforeEach); changes and deletions flow through as well
        String image = example.get("items").get(0).get("metadata").get("name").asText();
        client.images().withName(image).delete();
        String stream = null;
        for (JsonNode item : example.get("items")) {
            if (item.get("kind").asText().equals("ImageStream")) {
                stream = item.get("metadata").get("name").asText();
                client.imageStreams().inNamespace(item.get("metadata").get("namespace").asText()).withName(stream)
                        .delete();
                break;
            }
        }
        client.pods().inAnyNamespace().list().getItems().stream().findFirst()
                .ifPresent(pod -> client.pods().inNamespace(pod.getMetadata().getNamespace())
                        .withName(pod.getMetadata().getName()).edit(p -> {
                            p.getStatus().setPhase("Succeeded");
                            return p;
                        }));
        awaitPlanEqualsSnapshotOf(client);
    }

    @Test
    void unreadableRecordGoesToTheDeadLetterTopicAndStopsSyncedUntilItsKeyIsReadable() throws Exception {
        await().atMost(WAIT).until(live::synced);
        String before = plan();
        RawRecords.send(kafka, config.kafka().topic().state(), "Image//sha256:broken",
                "not json".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<String, byte[]> record =
                RawRecords.deadLetter(kafka, config.kafka().topic().dlq(), "Image//sha256:broken", WAIT);
        assertEquals("not json", new String(record.value(), StandardCharsets.UTF_8));
        assertTrue(record.headers().lastHeader(DeadLetters.REASON_HEADER) != null, "the reason travels along");
        await().atMost(WAIT).until(() -> !live.synced());
        assertTrue(live.notSyncedReason().contains("Image//sha256:broken"), live.notSyncedReason());
        // a tombstone is a readable newest record: the key no longer keeps the graph from being synced
        RawRecords.send(kafka, config.kafka().topic().state(), "Image//sha256:broken", null);
        await().atMost(WAIT).until(live::synced);
        assertEquals(before, plan(), "an unreadable record changes nothing in the graph");
    }

    @Test
    void restartedConsumerRebuildsTheSameGraphAndIsNotReadyUntilThen() throws Exception {
        await().atMost(WAIT).until(live::synced);
        String before = plan();
        consumer.restart();
        given().get("/q/health/ready").then().statusCode(503);
        given().queryParam("now", NOW).get("/api/v1/plan").then().statusCode(503);
        await().atMost(WAIT).until(live::synced);
        given().get("/q/health/ready").then().statusCode(200);
        assertEquals(before, plan());
        JsonNode status = MAPPER.readTree(given().get("/api/v1/status").then().statusCode(200).extract().asString());
        assertTrue(status.get("synced").asBoolean());
        assertTrue(status.get("objects").get("Image").asInt() > 0, status.toString());
        assertTrue(status.get("ingestEpoch").asLong() > 0, status.toString());
        // the state topic's 3 partitions, each with its lag (caught up: none unknown)
        JsonNode partitions = status.get("kafka").get("lagPerPartition");
        assertEquals(List.of("0", "1", "2"), iterable(partitions.fieldNames()), status.toString());
        partitions.forEach(lag -> assertTrue(lag.asLong() >= 0, status.toString()));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String partition : List.of("0", "1", "2")) {
            Matcher sample = Pattern.compile("(?m)^imageprune_state_partition_lag\\{partition=\"" + partition
                    + "\"} (\\S+)$").matcher(metrics);
            assertTrue(sample.find(), "partition " + partition + " on /q/metrics");
            assertTrue(Double.parseDouble(sample.group(1)) >= 0, sample.group());
        }
    }

    private static List<String> iterable(Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    @Test
    void objectsDeletedWhileTheIngestWasDownDisappearAfterItsNextListing() throws Exception {
        await().atMost(WAIT).until(live::synced);
        OpenShiftClient client = server.getClient().adapt(OpenShiftClient.class);
        assertTrue(live.objectsPerKind().getOrDefault("ReplicationController", 0) > 0, "RCs to delete");
        ingest.stop();
        try {
            var images = client.images().list().getItems();
            for (int i = 0; i < 5 && i < images.size(); i++) {
                client.images().withName(images.get(i).getMetadata().getName()).delete();
            }
            client.replicationControllers().inAnyNamespace().list().getItems().forEach(rc -> client
                    .replicationControllers().inNamespace(rc.getMetadata().getNamespace())
                    .withName(rc.getMetadata().getName()).delete());
        } finally {
            ingest.start();
        }
        awaitPlanEqualsSnapshotOf(client);
        assertEquals(0, live.objectsPerKind().getOrDefault("ReplicationController", 0));
    }

    @Test
    void invalidOptionsAreABadRequest() {
        await().atMost(WAIT).until(live::synced);
        given().queryParam("prune-over-size-limit", "true").queryParam("keep-tag-revisions", "1")
                .get("/api/v1/plan").then().statusCode(400);
        given().queryParam("keep-younger-than", "soon").get("/api/v1/plan").then().statusCode(400);
    }

    @Test
    void explainAgreesWithThePlanAndAnswers404ForAnUnknownImage() throws Exception {
        await().atMost(WAIT).until(live::synced);
        OpenShiftClient client = server.getClient().adapt(OpenShiftClient.class);
        JsonNode planned = MAPPER.readTree(plan());
        java.util.Set<String> deleted = new java.util.HashSet<>();
        planned.get("imageDeletions").forEach(n -> deleted.add(n.asText()));
        String image = client.images().list().getItems().get(0).getMetadata().getName();
        JsonNode explained = MAPPER.readTree(given().queryParam("now", NOW).queryParam("ignore-invalid-refs", "true")
                .get("/api/v1/images/{name}/explain", image).then().statusCode(200).extract().asString());
        assertEquals(image, explained.get("image").asText());
        assertEquals(deleted.contains(image) ? "PRUNABLE" : "KEPT", explained.get("verdict").asText());

        String unknown = "sha256:" + "0".repeat(64);
        String missing = given().queryParam("now", NOW).get("/api/v1/images/{name}/explain", unknown)
                .then().statusCode(404).extract().asString();
        assertTrue(missing.contains("the graph holds no image " + unknown), missing);
        given().queryParam("keep-younger-than", "soon").get("/api/v1/images/{name}/explain", image)
                .then().statusCode(400);

        // the plan table's short digest (12 hex characters) names the image; fewer is a 400 saying so
        String shortDigest = image.substring(0, "sha256:".length() + 12);
        JsonNode byPrefix = MAPPER.readTree(given().queryParam("now", NOW).queryParam("ignore-invalid-refs", "true")
                .get("/api/v1/images/{name}/explain", shortDigest).then().statusCode(200).extract().asString());
        assertEquals(image, byPrefix.get("image").asText());
        String tooShort = given().queryParam("now", NOW).get("/api/v1/images/{name}/explain",
                image.substring(0, "sha256:".length() + 11)).then().statusCode(400).extract().asString();
        assertTrue(tooShort.contains("at least 12 hex characters"), tooShort);
    }

    @Test
    void startingRunsIsDisabledByDefault() throws Exception {
        double denied = denials();
        JsonNode refusal = MAPPER.readTree(given().post("/api/v1/runs").then().statusCode(403).extract().asString());
        assertEquals("POST /api/v1/runs is disabled (imageprune.api.runs.enabled=false)",
                refusal.get("error").asText());
        assertEquals(denied + 1, denials(), "one more denial counted");
    }

    /** imageprune_api_denials_total{reason="disabled"}, 0 before the first. */
    private static double denials() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher sample = Pattern.compile("(?m)^imageprune_api_denials_total\\{reason=\"disabled\"} (\\S+)$")
                .matcher(metrics);
        return sample.find() ? Double.parseDouble(sample.group(1)) : 0;
    }

    private static String plan() {
        return given().queryParam("now", NOW).queryParam("ignore-invalid-refs", "true").get("/api/v1/plan")
                .then().statusCode(200).extract().asString();
    }

    /** The plan of the live graph equals {@code plan} on a List of what the API holds now. */
    private void awaitPlanEqualsSnapshotOf(KubernetesClient client) throws Exception {
        Path list = Files.createTempFile("cluster", ".json");
        ObjectNode document = MAPPER.createObjectNode();
        document.put("apiVersion", "v1");
        document.put("kind", "List");
        ArrayNode items = document.putArray("items");
        for (HasMetadata object : listAll(client.adapt(OpenShiftClient.class))) {
            items.add(MAPPER.readTree(client.getKubernetesSerialization().asJson(object)));
        }
        MAPPER.writeValue(list.toFile(), document);
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new ImagePruneCommand()).setOut(new PrintWriter(out))
                .setErr(new PrintWriter(new StringWriter()))
                .execute("plan", "--snapshot", list.toString(), "--now", NOW, "--ignore-invalid-refs", "-o", "json");
        assertEquals(0, exit);
        JsonNode expected = MAPPER.readTree(out.toString());
        assertTrue(expected.get("imageDeletions").size() + expected.get("streamUpdates").size() > 0,
                "a plan worth comparing");
        await().atMost(WAIT).untilAsserted(() -> assertEquals(expected, MAPPER.readTree(plan())));
    }

    /** Every object of every kind the ingest watches, in all namespaces; kinds oc tolerates missing are skipped. */
    @SuppressWarnings("unchecked")
    private static List<HasMetadata> listAll(OpenShiftClient client) {
        List<HasMetadata> objects = new ArrayList<>();
        for (WatchedKind kind : WatchedKind.ALL) {
            try {
                var operation = kind.resources().apply(client);
                var list = kind.clusterScoped() ? operation.list()
                        : ((io.fabric8.kubernetes.client.dsl.MixedOperation<HasMetadata, ?, ?>) (Object) operation)
                        .inAnyNamespace().list();
                objects.addAll(((io.fabric8.kubernetes.api.model.KubernetesResourceList<HasMetadata>) list)
                        .getItems());
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != kind.toleratedStatus()) {
                    throw e;
                }
            }
        }
        return objects;
    }
}
