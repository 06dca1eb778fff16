package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.openshift.api.model.ImageStream;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.execute.ActionKind;
import io.imageprune.execute.DeletionBudget;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.registry.testkit.FaultProxy;
import io.imageprune.state.LiveGraph;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every fault vector of the conformance suite through the service's path: the real {@link PruneRunner} started over
 * REST, the real distribution registry behind the fault proxy (which answers the OpenShift registry's
 * {@code /admin/blobs} itself), the CRUD mock API server with expectations for the API faults, a real Kafka broker.
 * Identities are mapped one to one to valid digests and per-vector namespaces, so that every vector can travel to a
 * real registry and all share one; failures are compared by object and kind (the causes are the servers' texts, not
 * the vectors' fake ones), requests, API state and statistics exactly. Plus oc's "stop on image stream update
 * failure" as a conflict that never clears, and the rolling window deferring what its budget cannot take.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(InProcessKafka.class)
@WithTestResource(value = RealRegistry.class, initArgs = @ResourceArg(name = "flavour", value = "openshift"))
@WithTestResource(ServiceConformanceTest.Settings.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceConformanceTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String IMAGES = "/apis/image.openshift.io/v1/images/";
    /** oc's failure texts up to the cause: "image X: failed to delete blob Y", "imagestream ns/name". */
    private static final Pattern FAILURE_SUBJECT = Pattern.compile(
            "^((?:image|imagestream) \\S+?): (?:(failed to delete [a-z ]+? \\S+): )?.*$");

    /** Confirmed runs with the vectors' options (all six share them), one attempt per registry call. */
    public static class Settings extends PruneTestSettings {
        @Override
        Map<String, String> settings() {
            return confirmedOnRequest("imageprune.plan.keep-tag-revisions", "3",
                    "imageprune.prune.max-attempts", "1",
                    "imageprune.prune.deletion-window", "3s",
                    // oc's exact decisions: the vectors are oc's (issue 12's extensions are all off)
                    "imageprune.plan.oc-exact", "true");
        }
    }

    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    LiveGraph live;
    @Inject
    DeletionBudget budget;
    @Inject
    ImagePruneConfig config;

    @TestFactory
    @Order(1)
    Stream<DynamicTest> everyFaultVectorThroughTheService() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : faultVectors()) {
            String number = file.getFileName().toString().substring(0, 3);
            tests.add(DynamicTest.dynamicTest(file.getFileName().toString(),
                    () -> run(MAPPER.readTree(file.toFile()), "v" + number, false)));
        }
        assertTrue(tests.size() >= 6, "fault vectors missing: " + tests.size());
        Path stop = faultVectors().stream().filter(p -> p.toString().contains("stop-on-image-stream-update-failure"))
                .findFirst().orElseThrow();
        tests.add(DynamicTest.dynamicTest(stop.getFileName() + " [the write conflicts every time]",
                () -> run(MAPPER.readTree(stop.toFile()), "v035c", true)));
        return tests.stream();
    }

    @Test
    @Order(2)
    void theWindowDefersWhatItsBudgetCannotTakeAndALaterPassFinishes() throws Exception {
        OpenShiftClient client = server.getClient().adapt(OpenShiftClient.class);
        RealRegistry.proxy().clearRules();
        RealRegistry.proxy().clearRequests();
        RealRegistry.proxy().answerAlways(202, "DELETE", "/admin/blobs/.*");
        int limit = config.prune().maxImageDeletionsPerWindow();
        List<String> orphans = new ArrayList<>();
        for (String name : List.of("deferred one", "deferred two")) {
            String digest = "sha256:" + Identities.sha256(name);
            orphans.add(digest);
            ObjectNode image = MAPPER.createObjectNode().put("apiVersion", "image.openshift.io/v1").put("kind", "Image")
                    .put("dockerImageReference", "registry.io/window/app@" + digest)
                    .put("dockerImageManifestMediaType", "application/vnd.docker.distribution.manifest.v2+json");
            image.putObject("metadata").put("name", digest).putObject("annotations")
                    .put("openshift.io/image.managed", "true");
            image.putArray("dockerImageLayers").addObject().put("name", "sha256:" + Identities.sha256(name + " layer"))
                    .put("size", 10).put("mediaType", "application/vnd.docker.image.rootfs.diff.tar.gzip");
            image.putObject("dockerImageMetadata").put("kind", "DockerImage").put("apiVersion", "1.0")
                    .put("Id", "sha256:" + Identities.sha256(name + " config")).put("Size", 10);
            client.resource(client.getKubernetesSerialization().<HasMetadata>unmarshal(image.toString())).create();
        }
        await().atMost(WAIT).until(() -> live.synced()
                && live.read(graph -> orphans.stream().allMatch(o -> graph.image(o) != null)));
        // the vectors' runs have left the window; then other passes within it have used all but one image deletion
        await().atMost(WAIT).until(() -> budget.remaining(Instant.now()).get(ActionKind.IMAGE) == limit);
        budget.restore(ActionKind.IMAGE, Instant.now(), limit - 1);

        JsonNode first = RunsApi.runToCompletion(WAIT);

        assertEquals("SUCCEEDED", first.get("state").asText(), first.toString());
        assertEquals(1, first.get("stats").get("deletedImages").asInt(), first.toString());
        assertEquals(1, first.get("actions").get("IMAGE").get("DEFERRED").asInt(), first.toString());
        assertEquals(1, orphans.stream().filter(o -> client.images().withName(o).get() != null).count(),
                "the deferred image and its blobs stay");
        assertEquals(3, RealRegistry.proxy().requests("DELETE", "/admin/blobs/.*").size(),
                "the blobs of the deleted image only (its layer, config and manifest)");

        await().atMost(WAIT).until(() -> budget.remaining(Instant.now()).get(ActionKind.IMAGE) == limit);
        JsonNode second = RunsApi.runToCompletion(WAIT);

        assertEquals(1, second.get("stats").get("deletedImages").asInt(), second.toString());
        assertTrue(orphans.stream().allMatch(o -> client.images().withName(o).get() == null), "the backlog drained");
    }

    private void run(JsonNode original, String prefix, boolean conflict) throws Exception {
        OpenShiftClient client = server.getClient().adapt(OpenShiftClient.class);
        FaultProxy proxy = RealRegistry.proxy();
        Identities ids = new Identities(original, prefix);
        JsonNode vector = ids.map(original);
        JsonNode expected = vector.get("expected");
        JsonNode faults = original.get("faults");
        proxy.clearRules();
        proxy.clearRequests();
        server.getKubernetesMockServer().clearExpectations();
        injectRegistryFaults(proxy, faults, ids);
        proxy.answerAlways(202, "DELETE", "/admin/blobs/.*");

        List<HasMetadata> objects = new ArrayList<>();
        for (JsonNode object : vector.get("objects")) {
            HasMetadata created = client.getKubernetesSerialization().unmarshal(object.toString());
            objects.add(client.resource(created).create());
        }
        await().atMost(WAIT).until(() -> live.synced() && inGraph(objects) == objects.size());
        List<ImageStream> streams = objects.stream().filter(ImageStream.class::isInstance)
                .map(ImageStream.class::cast).toList();
        injectApiFaults(faults, expected, streams, conflict);
        // safety rule 2, as the servers saw it: what the API server holds when the registry receives a stream's
        // first link deletion
        Map<String, AtomicReference<List<String>>> statusAtFirstLink = new java.util.HashMap<>();
        for (ImageStream stream : streams) {
            String repo = stream.getMetadata().getNamespace() + "/" + stream.getMetadata().getName();
            AtomicReference<List<String>> seen = new AtomicReference<>();
            statusAtFirstLink.put(repo, seen);
            proxy.onRequest(FaultProxy.matching("DELETE", "/v2/" + Pattern.quote(repo) + "/(blobs|manifests)/.*"),
                    () -> seen.set(statusImages(client, repo)));
        }

        try {
            check(client, original, expected, proxy, objects, streams, statusAtFirstLink, prefix);
        } finally {
            cleanUp(client, objects);
        }
    }

    private void check(OpenShiftClient client, JsonNode original, JsonNode expected, FaultProxy proxy,
                       List<HasMetadata> objects, List<ImageStream> streams,
                       Map<String, AtomicReference<List<String>>> statusAtFirstLink, String prefix) throws Exception {
        JsonNode report = RunsApi.runToCompletion(WAIT);

        String where = prefix + " " + original.get("name").asText();
        assertEquals(expected.get("stats"), report.get("stats"), where + " stats: " + report);
        assertEquals(failureSubjects(expected.get("failures")), failureSubjects(report.get("failures")),
                where + " failures: " + report.get("failures"));
        assertEquals(expectedRequests(expected), actualRequests(proxy), where + " registry deletions");
        Set<String> failedImages = new TreeSet<>();
        expected.get("failures").forEach(f -> {
            Matcher m = FAILURE_SUBJECT.matcher(f.asText());
            if (m.matches() && m.group(2) != null && m.group(2).startsWith("failed to delete image")) {
                failedImages.add(m.group(1).substring("image ".length()));
            }
        });
        Set<String> deleted = new TreeSet<>();
        expected.get("imageDeletions").forEach(i -> deleted.add(i.asText()));
        deleted.removeAll(failedImages);
        for (HasMetadata object : objects) {
            if (!(object instanceof ImageStream)) {
                String name = object.getMetadata().getName();
                boolean exists = client.images().withName(name).get() != null;
                assertEquals(!deleted.contains(name), exists, where + " image " + name + " exists");
            }
        }
        for (ImageStream stream : streams) {
            String repo = stream.getMetadata().getNamespace() + "/" + stream.getMetadata().getName();
            List<String> resulting = resultingImages(expected, repo);
            List<String> now = statusImages(client, repo);
            assertEquals(resulting != null ? resulting : statusImages(stream), now, where + " status of " + repo);
            List<String> atFirstLink = statusAtFirstLink.get(repo).get();
            if (resulting == null) {
                assertNull(atFirstLink, where + ": no link of a stream whose write failed may go");
            } else if (atFirstLink != null) {
                assertEquals(resulting, atFirstLink, where + ": the status was written before the first link");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ faults

    private static void injectRegistryFaults(FaultProxy proxy, JsonNode faults, Identities ids) {
        JsonNode blobErrors = faults.path("blobDeleterErrors");
        blobErrors.fieldNames().forEachRemaining(digest -> proxy.failAlways(500, "DELETE",
                "/admin/blobs/" + (digest.equals("*") ? ".*" : segment(ids.digest(digest)))));
        if (faults.has("layerLinkDeleterError")) {
            proxy.failAlways(500, "DELETE", "/v2/.*/blobs/.*");
        }
        if (faults.has("manifestDeleterError")) {
            proxy.failAlways(500, "DELETE", "/v2/.*/manifests/.*");
        }
    }

    /** A digest as a path regex, raw or with its ':' percent-encoded. */
    private static String segment(String digest) {
        return Pattern.quote(digest).replace(":", "\\E(?::|%3A)\\Q");
    }

    /** A failed status write is a 403 from the API server, a conflict a 409 on every attempt; failed deletes 403. */
    private void injectApiFaults(JsonNode faults, JsonNode expected, List<ImageStream> streams, boolean conflict) {
        if (faults.has("imageStreamDeleterError") || conflict) {
            for (ImageStream stream : streams) {
                int code = conflict ? 409 : 403;
                String path = "/apis/image.openshift.io/v1/namespaces/" + stream.getMetadata().getNamespace()
                        + "/imagestreams/" + stream.getMetadata().getName() + "/status";
                server.expect().put().withPath(path)
                        .andReturn(code, new StatusBuilder().withCode(code).withStatus("Failure")
                                .withReason(conflict ? "Conflict" : "Forbidden")
                                .withMessage(conflict ? "the object has been modified" : "injected").build())
                        .always();
            }
        }
        if (faults.has("imageDeleterError")) {
            expected.get("imageDeletions").forEach(image -> server.expect().delete()
                    .withPath(IMAGES + image.asText())
                    .andReturn(403, new StatusBuilder().withCode(403).withStatus("Failure").withReason("Forbidden")
                            .withMessage("injected").build())
                    .once());
        }
    }

    // ------------------------------------------------------------------------------------------------ comparisons

    /** Failures by object and kind: "image X: failed to delete blob Y", "imagestream ns/name", as a sorted list. */
    private static List<String> failureSubjects(JsonNode failures) {
        List<String> subjects = new ArrayList<>();
        failures.forEach(f -> {
            Matcher m = FAILURE_SUBJECT.matcher(f.asText());
            assertTrue(m.matches(), "not a failure text of oc's form: " + f);
            subjects.add(m.group(1) + (m.group(2) == null ? "" : ": " + m.group(2)));
        });
        subjects.sort(Comparator.naturalOrder());
        return subjects;
    }

    private static List<String> expectedRequests(JsonNode expected) {
        List<String> requests = new ArrayList<>();
        expected.get("layerLinkDeletions").forEach(l -> requests.add("/v2/" + l.get("repo").asText() + "/blobs/"
                + l.get("blob").asText()));
        expected.get("manifestDeletions").forEach(m -> requests.add("/v2/" + m.get("repo").asText() + "/manifests/"
                + m.get("manifest").asText()));
        expected.get("blobDeletions").forEach(b -> requests.add("/admin/blobs/" + b.asText()));
        requests.sort(Comparator.naturalOrder());
        return requests;
    }

    private static List<String> actualRequests(FaultProxy proxy) {
        // a client may percent-encode what a path segment allows raw (':'), the registry decodes it either way
        List<String> requests = new ArrayList<>(proxy.requests("DELETE", ".*").stream()
                .map(r -> java.net.URLDecoder.decode(r.path(), StandardCharsets.UTF_8)).toList());
        requests.sort(Comparator.naturalOrder());
        return requests;
    }

    /** The images of the stream's tags after the run as the vector expects them, or null when it is not written. */
    private static List<String> resultingImages(JsonNode expected, String repo) {
        for (JsonNode update : expected.get("streamUpdates")) {
            if (update.get("stream").asText().equals(repo)) {
                List<String> images = new ArrayList<>();
                update.get("resultingTags").forEach(t -> t.get("images").forEach(i -> images.add(
                        t.get("tag").asText() + "=" + i.asText())));
                return images;
            }
        }
        return null;
    }

    private static List<String> statusImages(OpenShiftClient client, String repo) {
        int slash = repo.indexOf('/');
        return statusImages(client.imageStreams().inNamespace(repo.substring(0, slash))
                .withName(repo.substring(slash + 1)).get());
    }

    private static List<String> statusImages(ImageStream stream) {
        List<String> images = new ArrayList<>();
        stream.getStatus().getTags().forEach(tag -> tag.getItems().forEach(item -> images.add(
                tag.getTag() + "=" + item.getImage())));
        return images;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Removes the vector's objects, so that the next vector's run sees only its own. */
    private void cleanUp(OpenShiftClient client, List<HasMetadata> objects) {
        server.getKubernetesMockServer().clearExpectations();
        for (HasMetadata object : objects) {
            client.resource(object).withGracePeriod(0).delete();
        }
        await().atMost(WAIT).until(() -> inGraph(objects) == 0);
    }

    /** How many of these objects the live graph holds. */
    private long inGraph(List<HasMetadata> objects) {
        return live.read(graph -> objects.stream().filter(o -> o instanceof ImageStream s
                ? graph.stream(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()) != null
                : graph.image(o.getMetadata().getName()) != null).count());
    }

    private static List<Path> faultVectors() throws IOException, URISyntaxException {
        Path dir = Path.of(ServiceConformanceTest.class.getResource("/conformance/cases").toURI());
        List<Path> vectors = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path path : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                if (MAPPER.readTree(path.toFile()).path("faults").size() > 0) {
                    vectors.add(path);
                }
            }
        }
        return vectors;
    }

    /**
     * A vector's identities mapped one to one: every image, layer and config name to a valid digest of its own
     * (names such as {@code layer1} cannot travel to a real registry, and vectors share image names), every namespace
     * to one of the vector's own.
     */
    private static final class Identities {
        private final String prefix;
        private final Map<String, String> digests = new java.util.HashMap<>();
        private final Set<String> namespaces = new LinkedHashSet<>();

        Identities(JsonNode vector, String prefix) {
            this.prefix = prefix;
            for (JsonNode object : vector.get("objects")) {
                if (object.get("kind").asText().equals("Image")) {
                    digest(object.get("metadata").get("name").asText());
                    object.path("dockerImageLayers").forEach(l -> digest(l.get("name").asText()));
                    String config = object.path("dockerImageMetadata").path("Id").asText("");
                    if (!config.isEmpty()) {
                        digest(config);
                    }
                } else {
                    namespaces.add(object.get("metadata").get("namespace").asText());
                }
            }
        }

        String digest(String name) {
            return digests.computeIfAbsent(name, n -> "sha256:" + sha256(prefix + " " + n));
        }

        JsonNode map(JsonNode vector) throws IOException {
            String text = MAPPER.writeValueAsString(vector);
            List<String> names = new ArrayList<>(digests.keySet());
            names.sort(Comparator.comparingInt(String::length).reversed());
            for (String name : names) {
                // not inside a longer name ("layer1" in "layer10", a digest in "tarsum.dev+sha256:…")
                text = text.replaceAll("(?<![\\w+.:-])" + Pattern.quote(name) + "(?![\\w+.-])",
                        Matcher.quoteReplacement(digests.get(name)));
            }
            for (String namespace : namespaces) {
                String mapped = prefix + "-" + namespace;
                text = text.replace("\"namespace\":\"" + namespace + "\"", "\"namespace\":\"" + mapped + "\"")
                        .replaceAll("(?<=[\"/ ])" + Pattern.quote(namespace + "/"),
                                Matcher.quoteReplacement(mapped + "/"));
            }
            ObjectNode mapped = (ObjectNode) MAPPER.readTree(text);
            assertNotNull(mapped.get("expected"));
            return mapped;
        }

        static String sha256(String text) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
