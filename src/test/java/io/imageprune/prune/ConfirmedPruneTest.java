package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.openshift.api.model.ImageStream;
import io.fabric8.openshift.api.model.TagEvent;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.model.ReferrerKind;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.registry.testkit.FaultProxy;
import io.imageprune.registry.testkit.RegistryPusher.PushedImage;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Confirmed prunes against the real distribution registry (behind a fault-injecting proxy), the CRUD mock API and a
 * real Kafka broker: exactly the plan is deleted, in the safe order, with one audit event per action, also when the
 * registry fails, stops, or a reference appears between planning and deleting.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(InProcessKafka.class)
@WithTestResource(value = RealRegistry.class, initArgs = @ResourceArg(name = "flavour", value = "distribution"))
@WithTestResource(ConfirmedPruneTest.Settings.class)
class ConfirmedPruneTest extends RegistryServiceTestBase {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Confirmed runs, only on request, keeping one revision per tag, everything old enough at once. */
    public static class Settings extends PruneTestSettings {
        @Override
        Map<String, String> settings() {
            return confirmedOnRequest("imageprune.prune.max-attempts", "4",
                    "imageprune.leader.enabled", "true",
                    "imageprune.leader.namespace", "imageprune",
                    "imageprune.leader.lease-duration", "2s",
                    "imageprune.leader.renew-deadline", "1500ms",
                    "imageprune.leader.retry-period", "200ms");
        }
    }

    @Inject
    LeaderElection leader;
    @Inject
    Reclamation reclamation;
    @Inject
    ImagePruneConfig config;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    /**
     * Each test starts from a leading replica, a cluster with nothing to prune and a registry proxy with no rule and
     * no recorded request, whatever ran before it: a run an earlier test stopped (a lost lease) leaves images to prune,
     * and they are pruned here, before the proxy forgets the requests.
     */
    @BeforeEach
    void connect() throws Exception {
        // the leader takes runs once it has read the audit topic back
        use(RegistryTestbed.connect(server, WAIT, live::synced, leader::leading, recovery::recovered));
        if (!nothingToPrune()) {
            runToCompletion();
            await().atMost(WAIT).until(ConfirmedPruneTest::nothingToPrune);
        }
        proxy.clearRequests();
    }

    private static boolean nothingToPrune() throws Exception {
        JsonNode plan = MAPPER.readTree(given().get("/api/v1/plan").then().statusCode(200).extract().asString());
        return plan.get("imageDeletions").isEmpty() && plan.get("streamUpdates").isEmpty();
    }

    // Each case builds its own images in a namespace of its own and is written out whole, so that a failure shows
    // its case: their openings look alike (the duplicates tool pairs them), what they test does not.
    @Test
    void aConfirmedRunDeletesExactlyThePlanAndAuditsEveryAction() throws Exception {
        PushedImage v1 = pusher.push("ns1/app", "v1", List.of("shared base", "app v1"));
        PushedImage v2 = pusher.push("ns1/app", "v2", List.of("shared base", "app v2"));
        PushedImage v3 = pusher.push("ns1/app", "v3", List.of("shared base", "app v3"));
        PushedImage w1 = pusher.push("ns2/web", "w1", List.of("web"));
        cluster.mirror("ns1/app", List.of(v3, v2, v1));
        cluster.mirror("ns2/web", List.of(w1));
        awaitPlanDeletes(Set.of(v1.manifestDigest(), v2.manifestDigest()));

        // the scheduled plan of the whole graph has run once the graph was synced (-1 until then)
        await().atMost(WAIT).until(() -> metric("imageprune_prune_reclaimable_bytes") >= 0);
        // the bytes reclaimable now are the plan's, all of them in ns1 (the web image is kept)
        long reclaimable = MAPPER.readTree(given().get("/api/v1/plan").then().statusCode(200).extract().asString())
                .get("bytesReclaimable").asLong();
        assertTrue(reclaimable > 0);
        java.time.Instant planned = java.time.Instant.now();
        reclamation.plan(planned);
        assertEquals(reclaimable, metric("imageprune_prune_reclaimable_bytes"));
        assertEquals(reclaimable, metric("imageprune_prune_reclaimable_namespace_bytes{image_namespace=\"ns1\"}"));
        assertEquals(0, metric("imageprune_prune_reclaimable_namespace_bytes{image_namespace=\"_other\"}"));
        double latencies = metric("imageprune_prune_reclamation_latency_seconds_count");

        JsonNode run = runToCompletion();
        assertEquals("SUCCEEDED", run.get("state").asText(), run.toString());
        assertFalse(run.get("dryRun").asBoolean());
        // both images from the plan that found them prunable to their deletion, after the run started
        assertEquals(latencies + 2, metric("imageprune_prune_reclamation_latency_seconds_count"));
        double waited = java.time.Duration.between(planned,
                java.time.Instant.parse(run.get("startedAt").asText())).toMillis() / 1000.0;
        assertTrue(metric("imageprune_prune_reclamation_latency_seconds_sum") >= 2 * waited, "at least " + waited);
        assertTrue(metric("imageprune_prune_run_duration_seconds_bucket{state=\"succeeded\",trigger=\"api\","
                + "le=\"3600.0\"}") >= 1, "run durations in buckets");

        // the registry: removed revisions' manifests and their own layers and configs are unlinked, the rest stays
        for (PushedImage gone : List.of(v1, v2)) {
            assertEquals(404, pusher.manifestStatus("ns1/app", gone.manifestDigest()));
            assertEquals(404, pusher.blobStatus("ns1/app", gone.layers().get(1).digest()));
            assertEquals(404, pusher.blobStatus("ns1/app", gone.configDigest()));
        }
        assertEquals(200, pusher.blobStatus("ns1/app", v3.layers().get(0).digest()), "shared with the kept v3");
        assertTrue(pusher.pull("ns1/app", v3.manifestDigest()), "the kept image still pulls");
        assertTrue(pusher.pull("ns2/web", w1.manifestDigest()));

        // exactly these requests, nothing unplanned; links only after the stream write (checked below through audit)
        Set<String> expected = new HashSet<>();
        for (PushedImage gone : List.of(v1, v2)) {
            expected.add("DELETE /v2/ns1/app/manifests/" + gone.manifestDigest());
            expected.add("DELETE /v2/ns1/app/blobs/" + gone.layers().get(1).digest());
            expected.add("DELETE /v2/ns1/app/blobs/" + gone.configDigest());
        }
        assertEquals(expected, deleteRequests(), "every planned link once, and nothing else");

        // the API: the stream keeps only its newest revision, the two old images are gone
        ImageStream stream = client.imageStreams().inNamespace("ns1").withName("app").get();
        assertEquals(List.of(v3.manifestDigest()), stream.getStatus().getTags().get(0).getItems().stream()
                .map(TagEvent::getImage).toList());
        assertNull(client.images().withName(v1.manifestDigest()).get());
        assertNull(client.images().withName(v2.manifestDigest()).get());
        assertNotNull(client.images().withName(v3.manifestDigest()).get());

        // the audit topic: one event per action, the stream update before its links, blobs left for GC
        List<JsonNode> events = auditEvents(run.get("id").asText(), 16);
        JsonNode summary = events.get(events.size() - 1);
        assertEquals("io.imageprune.run.completed", summary.get("type").asText());
        List<JsonNode> actions = events.subList(0, events.size() - 1);
        assertEquals(actions.size(), Set.copyOf(actions.stream().map(e -> e.get("id").asText()).toList()).size(),
                "ids are unique per action");
        assertEquals(1, count(actions, "io.imageprune.stream.updated"));
        assertEquals(4, count(actions, "io.imageprune.layerlink.deleted"));
        assertEquals(2, count(actions, "io.imageprune.manifestlink.deleted"));
        assertEquals(2, count(actions, "io.imageprune.image.deleted"));
        assertEquals(6, count(actions, "io.imageprune.action.skipped"), "6 global blobs left to the registry's GC");
        java.time.Instant streamWritten = actions.stream()
                .filter(e -> e.get("type").asText().equals("io.imageprune.stream.updated"))
                .map(e -> java.time.Instant.parse(e.get("time").asText())).findFirst().orElseThrow();
        actions.stream().filter(e -> e.get("type").asText().endsWith("link.deleted")).forEach(e -> assertFalse(
                java.time.Instant.parse(e.get("time").asText()).isBefore(streamWritten),
                "safety rule 2: the stream is written before any of its links goes: " + e));
        assertEquals(6, summary.get("data").get("leftForGarbageCollection").asInt());
        assertEquals(2, summary.get("data").get("stats").get("deletedImages").asInt());
    }

    @Test
    void registryErrorsAreRetriedThenRecordedAsFailures() throws Exception {
        PushedImage r1 = pusher.push("ns3/retry", "r1", List.of("retry one"));
        PushedImage r2 = pusher.push("ns3/retry", "r2", List.of("retry two"));
        cluster.mirror("ns3/retry", List.of(r2, r1));
        awaitPlanDeletes(Set.of(r1.manifestDigest()));
        String manifestPath = "/v2/ns3/retry/manifests/" + r1.manifestDigest();
        String layerPath = "/v2/ns3/retry/blobs/" + r1.layerDigest();
        proxy.failFirst(2, 500, "DELETE", manifestPath);
        proxy.failAlways(503, "DELETE", layerPath);

        JsonNode run = runToCompletion();

        assertEquals("FAILED", run.get("state").asText(), run.toString());
        assertEquals(List.of(500, 500, 202), statuses(manifestPath), "two injected errors, then the real answer");
        assertEquals(List.of(503, 503, 503, 503), statuses(layerPath), "imageprune.prune.max-attempts=4");
        assertEquals(404, pusher.manifestStatus("ns3/retry", r1.manifestDigest()));
        assertEquals(200, pusher.blobStatus("ns3/retry", r1.layerDigest()), "the failed link is still there");
        List<String> failures = new ArrayList<>();
        run.get("failures").forEach(f -> failures.add(f.asText()));
        assertEquals(List.of("imagestream ns3/retry: failed to delete layer link " + r1.layerDigest()
                + ": 503 Service Unavailable"), failures);
        assertTrue(pusher.pull("ns3/retry", r2.manifestDigest()));
    }

    @Test
    void aRegistryStoppedMidRunFailsTheRestAndTouchesNothingElse() throws Exception {
        PushedImage s1 = pusher.push("ns4/stop", "s1", List.of("stop one"));
        PushedImage s2 = pusher.push("ns4/stop", "s2", List.of("stop two"));
        PushedImage s3 = pusher.push("ns4/stop", "s3", List.of("stop three"));
        cluster.mirror("ns4/stop", List.of(s3, s2, s1));
        awaitPlanDeletes(Set.of(s1.manifestDigest(), s2.manifestDigest()));
        proxy.onRequest(FaultProxy.matching("DELETE", "/v2/ns4/stop/.*"), RealRegistry.registry()::stop);
        try {
            JsonNode run = runToCompletion();
            assertEquals("FAILED", run.get("state").asText(), run.toString());
            assertEquals(6, run.get("failures").size(), "every link of the stream failed: " + run.get("failures"));
        } finally {
            RealRegistry.registry().start();
        }
        Set<String> planned = new HashSet<>();
        for (PushedImage gone : List.of(s1, s2)) {
            planned.add("DELETE /v2/ns4/stop/manifests/" + gone.manifestDigest());
            planned.add("DELETE /v2/ns4/stop/blobs/" + gone.layerDigest());
            planned.add("DELETE /v2/ns4/stop/blobs/" + gone.configDigest());
        }
        assertTrue(planned.containsAll(deleteRequests()), "nothing unplanned was requested: " + deleteRequests());
        assertTrue(pusher.pull("ns4/stop", s3.manifestDigest()), "the kept image still pulls after the restart");
        assertEquals(List.of(s3.manifestDigest()), client.imageStreams().inNamespace("ns4").withName("stop").get()
                .getStatus().getTags().get(0).getItems().stream().map(TagEvent::getImage).toList(),
                "the stream was written before the first link deletion");
    }

    @Test
    void aReferenceCreatedBetweenPlanningAndDeletingSavesItsImage() throws Exception {
        PushedImage q1 = pusher.push("ns5/race", "q1", List.of("race one"));
        PushedImage q2 = pusher.push("ns5/race", "q2", List.of("race two"));
        PushedImage orphan = pusher.push("ns5/orphan", "o1", List.of("orphan"));
        cluster.createImage(orphan);
        cluster.mirror("ns5/race", List.of(q2, q1));
        awaitPlanDeletes(Set.of(q1.manifestDigest(), orphan.manifestDigest()));
        String pod = "late-" + UUID.randomUUID().toString().substring(0, 8);
        // the stream is written and its first link is on its way when a pod starts running q1 and the orphan
        proxy.onRequest(FaultProxy.matching("DELETE", "/v2/ns5/race/.*"), () -> {
            cluster.createPod("ns5", pod, cluster.pullSpec(q1));
            cluster.createPod("ns5", pod + "-orphan", cluster.pullSpec(orphan));
            await().atMost(WAIT).until(() -> live.read(g -> g.referrer(ReferrerKind.POD, "ns5", pod) != null
                    && g.referrer(ReferrerKind.POD, "ns5", pod + "-orphan") != null));
        });

        JsonNode run = runToCompletion();

        assertEquals("SUCCEEDED", run.get("state").asText(), run.toString());
        assertEquals(Set.of("DELETE /v2/ns5/race/blobs/" + q1.layerDigest()), deleteRequests(),
                "the link already on its way goes; every later one is re-checked and kept");
        assertEquals(200, pusher.manifestStatus("ns5/race", q1.manifestDigest()), "the manifest link is kept");
        assertNotNull(client.images().withName(q1.manifestDigest()).get(), "the running image is kept");
        assertNotNull(client.images().withName(orphan.manifestDigest()).get(), "the new reference saved the image");
        List<JsonNode> events = auditEvents(run.get("id").asText(), -1);
        List<JsonNode> saved = events.stream().filter(e -> e.get("data").path("outcome").asText().equals("SAVED"))
                .toList();
        assertEquals(Set.of(q1.configDigest(), q1.manifestDigest()),
                Set.copyOf(saved.stream().map(e -> e.get("subject").asText()).toList()), saved.toString());
        saved.forEach(e -> {
            assertEquals("io.imageprune.action.skipped", e.get("type").asText());
            assertTrue(e.get("data").get("error").asText().contains("referrer"), e.toString());
        });
    }

    @Test
    void losingTheLeaseStopsTheRunBeforeItsNextDelete() throws Exception {
        PushedImage l1 = pusher.push("ns6/lease", "l1", List.of("lease one"));
        PushedImage l2 = pusher.push("ns6/lease", "l2", List.of("lease two"));
        cluster.mirror("ns6/lease", List.of(l2, l1));
        awaitPlanDeletes(Set.of(l1.manifestDigest()));
        // another replica takes the lease while the first link deletion is on its way
        proxy.onRequest(FaultProxy.matching("DELETE", "/v2/ns6/lease/.*"), () -> {
            String now = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
                    .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'"));
            client.leases().inNamespace("imageprune").withName("imageprune").patch(
                    io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                    "{\"spec\":{\"holderIdentity\":\"other-replica\",\"leaseDurationSeconds\":3600,"
                            + "\"renewTime\":\"" + now + "\",\"acquireTime\":\"" + now + "\"}}");
            await().atMost(WAIT).until(() -> !leader.leading());
        });

        try {
            JsonNode run = runToCompletion();

            assertEquals(Set.of("DELETE /v2/ns6/lease/blobs/" + l1.layerDigest()), deleteRequests(),
                    "nothing after the lease was lost");
            assertNotNull(client.images().withName(l1.manifestDigest()).get(), "stage 2 deleted nothing either");
            assertTrue(run.get("actions").get("MANIFEST_LINK").has("SAVED"), run.toString());
            assertEquals("FAILED", run.get("state").asText(), "a stopped run did not do its job: " + run);
            assertTrue(run.get("reason").asText().contains("leader lease"), run.toString());
            JsonNode refusal = MAPPER.readTree(given().post("/api/v1/runs").then().statusCode(503).extract()
                    .asString());
            assertEquals("NOT_LEADER", refusal.get("gate").asText());
        } finally {
            // the other replica "goes away": with the lease gone, this replica, a candidate again, takes it
            client.leases().inNamespace("imageprune").withName("imageprune").delete();
            await().atMost(WAIT).until(leader::leading);
        }
    }

    @Test
    void aPushStillOnItsWayKeepsTheLayerLinksItMayShare() throws Exception {
        PushedImage k1 = pusher.push("ns7/push", "k1", List.of("shared with the push"));
        PushedImage k2 = pusher.push("ns7/push", "k2", List.of("push two"));
        // pushed and tagged, but its Image object has not reached the graph yet
        PushedImage pushed = pusher.push("ns7/push", "latest", List.of("shared with the push", "push new"));
        cluster.createImage(k1);
        cluster.createImage(k2);
        cluster.createStream("ns7/push", "latest", List.of(pushed, k2, k1));
        // the tag is in use, so its newest revision stays although the graph does not know its image
        cluster.createPod("ns7", "user", cluster.pullSpec(pushed).replace("@" + pushed.manifestDigest(), ":latest"));
        awaitPlanDeletes(Set.of(k1.manifestDigest(), k2.manifestDigest()));

        JsonNode run = runToCompletion();

        assertTrue(pusher.pull("ns7/push", pushed.manifestDigest()), "the new image still pulls: " + run);
        assertEquals(200, pusher.blobStatus("ns7/push", k1.layerDigest()));
        assertEquals(404, pusher.manifestStatus("ns7/push", k1.manifestDigest()), "manifest links still go");
        assertEquals(0, proxy.requests("DELETE", "/v2/ns7/push/blobs/.*").size(), "no layer link was requested");
        assertTrue(run.get("actions").get("LAYER_LINK").has("SAVED"), run.toString());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void awaitPlanDeletes(Set<String> images) {
        LivePlan.awaitDeletes(WAIT, images);
    }

    /** A sample of /q/metrics by its name and labels as exported (labels in the exporter's order). */
    private static double metric(String series) {
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        java.util.regex.Matcher sample = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(series)
                + " (\\S+)$").matcher(scrape);
        assertTrue(sample.find(), series + " on /q/metrics");
        return Double.parseDouble(sample.group(1));
    }

    private JsonNode runToCompletion() throws Exception {
        return RunsApi.runToCompletion(WAIT);
    }

    private Set<String> deleteRequests() {
        Set<String> requests = new HashSet<>();
        proxy.requests("DELETE", ".*").forEach(r -> requests.add(r.method() + " " + r.path()));
        return requests;
    }

    private List<Integer> statuses(String path) {
        return proxy.requests("DELETE", java.util.regex.Pattern.quote(path)).stream()
                .map(FaultProxy.Recorded::status).toList();
    }

    private static long count(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.get("type").asText().equals(type)).count();
    }

    /** run.started and the intents: DurableRunTest is about them; here, only outcomes and the summary count. */
    private static boolean durable(JsonNode event) {
        String type = event.get("type").asText();
        return type.equals("io.imageprune.run.started") || type.equals("io.imageprune.action.intended");
    }

    /**
     * The run's events as a plain consumer of the audit topic reads them, in topic order per key.
     *
     * @param expected how many to wait for, or -1: until the run's summary is there
     */
    private List<JsonNode> auditEvents(String runId, int expected) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"),
                ConsumerConfig.GROUP_ID_CONFIG, "audit-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(config.kafka().topic().deletions()));
            await().atMost(WAIT).until(() -> {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode event = MAPPER.readTree(record.value());
                    if (runId.equals(event.get("data").get("runId").asText()) && !durable(event)) {
                        assertEquals(record.key(), event.get("subject").asText(), "key = subject = target");
                        events.add(event);
                    }
                }
                boolean summarised = events.stream()
                        .anyMatch(e -> e.get("type").asText().equals("io.imageprune.run.completed"));
                return expected < 0 ? summarised : events.size() >= expected && summarised;
            });
            // anything beyond the expected number would be a duplicate: give it one more poll to show up
            consumer.poll(Duration.ofMillis(500)).forEach(record -> {
                try {
                    JsonNode event = MAPPER.readTree(record.value());
                    if (runId.equals(event.get("data").get("runId").asText()) && !durable(event)) {
                        events.add(event);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        if (expected >= 0) {
            assertEquals(expected, events.size(), "exactly one event per action plus the summary");
        }
        events.sort((a, b) -> Boolean.compare(a.get("type").asText().equals("io.imageprune.run.completed"),
                b.get("type").asText().equals("io.imageprune.run.completed")));
        return events;
    }
}
