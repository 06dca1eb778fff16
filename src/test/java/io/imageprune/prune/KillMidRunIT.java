package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.openshift.api.model.TagEvent;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.audit.AuditEvents;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.registry.testkit.DistributionRegistry;
import io.imageprune.registry.testkit.FaultProxy;
import io.imageprune.registry.testkit.RegistryPusher;
import io.imageprune.registry.testkit.RegistryPusher.PushedImage;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged service killed with SIGKILL in the middle of a confirmed run (a real process, a real KRaft broker, the
 * real registry slowed by the fault proxy, the CRUD mock API), then started again: the run is listed INTERRUPTED and
 * completed once, the next run finishes the job (no link planned after a written stream remains), every DELETE the registry received has its intent on the audit
 * topic, and every kept image still pulls.
 */
class KillMidRunIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final Path JAR = Paths.get("target", "quarkus-app", "quarkus-run.jar");
    private static final String TOPIC = "imageprune.deletions";
    private static final int STREAMS = 4;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<AutoCloseable> resources = new ArrayList<>();
    private Process service;
    private int port;

    @AfterEach
    void tearDown() throws Exception {
        if (service != null) {
            service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void aRunKilledMidwayIsRecoveredAndTheNextRunFinishesTheJob() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "the packaged jar " + JAR.toAbsolutePath());
        InProcessKafka kafka = new InProcessKafka();
        String bootstrap = kafka.start().get("kafka.bootstrap.servers");
        resources.add(kafka::stop);
        KubernetesServer api = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
        api.before();
        resources.add(api::after);
        DistributionRegistry registry = DistributionRegistry.launch();
        resources.add(registry);
        FaultProxy proxy = new FaultProxy(registry.url());
        resources.add(proxy);

        // streams of three revisions each; one is kept, two go with their manifest, layer and config links
        OpenShiftClient client = api.getClient().adapt(OpenShiftClient.class);
        URI registryUri = URI.create(registry.url());
        ClusterObjects cluster = new ClusterObjects(client, registryUri.getHost() + ":" + registryUri.getPort());
        RegistryPusher pusher = new RegistryPusher(registry.url());
        List<PushedImage> kept = new ArrayList<>();
        List<PushedImage> removed = new ArrayList<>();
        for (int s = 0; s < STREAMS; s++) {
            String repo = "kill" + s + "/app";
            PushedImage r1 = pusher.push(repo, "r1", List.of(repo + " base", repo + " one"));
            PushedImage r2 = pusher.push(repo, "r2", List.of(repo + " base", repo + " two"));
            PushedImage r3 = pusher.push(repo, "r3", List.of(repo + " base", repo + " three"));
            cluster.mirror(repo, List.of(r3, r2, r1));
            kept.add(r3);
            removed.add(r1);
            removed.add(r2);
        }
        String apiUrl = client.getConfiguration().getMasterUrl();

        // first life: the run is slowed down by the registry and killed after a few DELETEs
        FaultProxy.Rule slow = proxy.delay(Duration.ofMillis(400), FaultProxy.matching("DELETE", ".*"));
        service = launch(bootstrap, apiUrl, proxy.url(), "first");
        awaitPlanDeletes(removed.size());
        String interrupted = startRun();
        await().atMost(WAIT).until(() -> proxy.requests("DELETE", ".*").size() >= 4);
        long pid = service.pid();
        service.destroyForcibly();
        assertTrue(service.waitFor(10, TimeUnit.SECONDS), "pid " + pid + " is gone");
        assertEquals(137, service.exitValue(), "killed by SIGKILL");
        service = null;
        slow.remove();

        // second life: the run is recovered, listed INTERRUPTED, and the next run does the rest
        service = launch(bootstrap, apiUrl, proxy.url(), "second");
        await().atMost(WAIT).ignoreExceptions().until(() -> runState(interrupted) != null);
        JsonNode recovered = run(interrupted);
        assertEquals("INTERRUPTED", recovered.get("state").asText(), recovered.toString());
        assertTrue(recovered.get("reason").asText().contains("stopped before it finished"), recovered.toString());
        awaitPlanDeletes(1);
        String next = startRun();
        await().atMost(WAIT).until(() -> !"RUNNING".equals(runState(next)));
        JsonNode finished = run(next);
        assertEquals("SUCCEEDED", finished.get("state").asText(), finished.toString());

        // every removed image is gone, every stream keeps only its newest revision, every kept image still pulls
        for (PushedImage image : removed) {
            assertNull(client.images().withName(image.manifestDigest()).get(), image.reference());
        }
        for (PushedImage image : kept) {
            assertEquals(List.of(image.manifestDigest()), client.imageStreams()
                    .inNamespace(image.repository().split("/")[0]).withName("app").get().getStatus().getTags().get(0)
                    .getItems().stream().map(TagEvent::getImage).toList());
            assertTrue(pusher.pull(image.repository(), image.manifestDigest()), image.reference() + " pulls");
        }
        // no planned link remains, also of the stream whose write came before the kill and its last link after it
        for (int r = 0; r < removed.size(); r++) {
            PushedImage image = removed.get(r);
            List<String> keptBlobs = kept.get(r / 2).blobDigests();
            assertEquals(404, pusher.manifestStatus(image.repository(), image.manifestDigest()), image.reference());
            for (String blob : image.blobDigests()) {
                if (!keptBlobs.contains(blob)) {
                    assertEquals(404, pusher.blobStatus(image.repository(), blob), image.repository() + "@" + blob);
                }
            }
        }

        // the audit topic: every DELETE the registry received has its intent; the interrupted run completed once
        List<JsonNode> events = auditEvents(bootstrap);
        Set<String> intended = new HashSet<>();
        for (JsonNode event : events) {
            if (event.get("type").asText().equals(AuditEvents.ACTION_INTENDED)) {
                intended.add(path(event.get("data")));
            }
        }
        List<String> received = proxy.requests("DELETE", ".*").stream().map(FaultProxy.Recorded::path).toList();
        assertTrue(received.size() > 4, "both runs sent DELETEs: " + received);
        for (String path : received) {
            assertTrue(intended.contains(path), "DELETE " + path + " has no intent on the audit topic");
        }
        List<JsonNode> completions = events.stream()
                .filter(e -> e.get("type").asText().equals(AuditEvents.RUN_COMPLETED)
                        && e.get("subject").asText().equals(interrupted)).toList();
        assertEquals(1, completions.size(), completions.toString());
        assertEquals("INTERRUPTED", completions.get(0).get("data").get("state").asText());
        assertTrue(events.stream().anyMatch(e -> e.get("type").asText().equals(AuditEvents.RUN_STARTED)
                && e.get("subject").asText().equals(interrupted)), "the interrupted run opened with run.started");
        JsonNode listed = get("/api/v1/runs");
        assertTrue(listed.toString().contains(interrupted), listed.toString());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private Process launch(String bootstrap, String apiUrl, String registryUrl, String name) throws IOException {
        port = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java,
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.log.console.json.enabled=false",
                "-Dkafka.bootstrap.servers=" + bootstrap,
                "-Dquarkus.kubernetes-client.api-server-url=" + apiUrl,
                "-Dquarkus.kubernetes-client.trust-certs=true",
                "-Dquarkus.kubernetes-client.namespace=imageprune",
                "-Dimageprune.ingest.id=kill-test-" + name,
                "-Dimageprune.leader.enabled=false",
                "-Dimageprune.prune.confirm=true",
                "-Dimageprune.prune.event-driven=false",
                "-Dimageprune.prune.num-workers=1",
                "-Dimageprune.prune.max-image-deletion-share=1.0",
                "-Dimageprune.plan.keep-tag-revisions=1",
                "-Dimageprune.plan.keep-younger-than=0s",
                "-Dimageprune.registry.url=" + registryUrl,
                "-Dimageprune.registry.flavour=distribution",
                "-Dimageprune.registry.token-file=/nonexistent",
                "-Dimageprune.api.runs.enabled=true",
                "-Dimageprune.api.runs.authenticate=false",
                "-jar", JAR.toString()));
        Path log = Paths.get("target", "kill-mid-run-" + name + ".log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private void awaitPlanDeletes(int images) {
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            JsonNode plan = get("/api/v1/plan");
            return plan != null && plan.get("imageDeletions").size() >= images;
        });
    }

    /** POST /api/v1/runs once the service takes runs (synced, and recovered). */
    private String startRun() {
        String[] id = new String[1];
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/api/v1/runs"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 202) {
                id[0] = MAPPER.readTree(response.body()).get("id").asText();
                return true;
            }
            return false;
        });
        return id[0];
    }

    private String runState(String id) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/api/v1/runs/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? MAPPER.readTree(response.body()).get("state").asText() : null;
    }

    private JsonNode run(String id) throws Exception {
        return get("/api/v1/runs/" + id);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? MAPPER.readTree(response.body()) : null;
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /** The registry path a DELETE of this intent goes to. */
    private static String path(JsonNode intent) {
        String repo = intent.get("repository").asText();
        String digest = intent.get("digest").asText();
        return switch (intent.get("kind").asText()) {
            case "LAYER_LINK" -> "/v2/" + repo + "/blobs/" + digest;
            case "MANIFEST_LINK" -> "/v2/" + repo + "/manifests/" + digest;
            case "BLOB" -> "/admin/blobs/" + digest;
            default -> "api:" + intent.get("kind").asText() + ":" + intent.get("target").asText();
        };
    }

    private static List<JsonNode> auditEvents(String bootstrap) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    events.add(MAPPER.readTree(record.value()));
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        return events;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
