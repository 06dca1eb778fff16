package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.registry.testkit.RegistryPusher.PushedImage;
import io.imageprune.state.LiveGraph;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry of confirmed runs in the ImagePruner drop-in, as the image registry operator's pruner chooses it:
 * {@code images.config.openshift.io/cluster}'s internal registry when no URL is configured, no registry pruning when
 * it names none, and never the token to a host only discovered from image references.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(InProcessKafka.class)
@WithTestResource(RegistryHostDropInTest.Settings.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryHostDropInTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** What the images' pull specs name: discovery would pick it. */
    private static final String DISCOVERED = "discovered.invalid:5000";
    /** What the image config names: a different host, so the run's failure tells which one it tried. */
    private static final String INTERNAL = "image-registry.invalid:5000";

    /** Confirmed runs, no imageprune.registry.url, the drop-in on. */
    public static class Settings extends PruneTestSettings {
        @Override
        Map<String, String> settings() {
            return confirmedOnRequest("imageprune.image-pruner.enabled", "true", "imageprune.prune.max-attempts", "1");
        }
    }

    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    LiveGraph live;
    @Inject
    ClusterImageConfig imageConfig;
    @Inject
    PruneSettings settings;

    private static final PushedImage OLD = ApiOnlyImages.image("ns1/app", "old");
    private static final PushedImage CURRENT = ApiOnlyImages.image("ns1/app", "current");

    private OpenShiftClient client() {
        return server.getClient().adapt(OpenShiftClient.class);
    }

    @Test
    @Order(1)
    void aHostOnlyDiscoveredFromImageReferencesGetsNoConfirmedRun() throws Exception {
        ClusterObjects cluster = new ClusterObjects(client(), DISCOVERED);
        cluster.createImage(OLD);
        cluster.createImage(CURRENT);
        cluster.createStream("ns1/app", "latest", List.of(CURRENT, OLD));
        await().atMost(WAIT).until(() -> live.synced() && given().get("/api/v1/plan").then().extract().asString()
                .contains(OLD.manifestDigest()));

        JsonNode refusal = RunsApi.refused(422);

        assertEquals("UNTRUSTED_REGISTRY_HOST", refusal.get("gate").asText(), refusal.toString());
        String error = refusal.get("error").asText();
        assertTrue(error.contains(DISCOVERED) && error.contains("imageprune.registry.url")
                && error.contains("images.config.openshift.io/cluster"), error);
        assertEquals("REFUSED", RunsApi.report(refusal.get("run").asText()).get("state").asText());
        assertNotNull(client().images().withName(OLD.manifestDigest()).get(), "nothing deleted");
        assertTrue(given().get("/q/metrics").then().extract().asString()
                .contains("imageprune_prune_refusals_total{gate=\"untrusted_registry_host\"}"), "counted");
    }

    @Test
    @Order(2)
    void theImageConfigsInternalRegistryIsTheHost() throws Exception {
        imageConfig(INTERNAL);
        await().atMost(WAIT).until(() -> imageConfig.observed().internalRegistryHostname().isPresent());

        JsonNode run = RunsApi.runToCompletion(WAIT);

        // the registry does not exist: the run fails at its ping, naming the host it tried
        assertEquals("FAILED", run.get("state").asText(), run.toString());
        assertTrue(run.get("reason").asText().contains(INTERNAL), run.toString());
        assertFalse(run.get("reason").asText().contains(DISCOVERED), run.toString());
        assertNotNull(client().images().withName(OLD.manifestDigest()).get(), "nothing deleted");
    }

    @Test
    @Order(3)
    void noInternalRegistryMeansNoRegistryPruning() throws Exception {
        imageConfig(null);
        await().atMost(WAIT).until(() -> settings.registryPruningOff() != null);
        JsonNode pruning = MAPPER.readTree(given().get("/api/v1/status").then().statusCode(200).extract().asString())
                .get("pruning");
        assertTrue(pruning.get("registryPruningOff").asText().contains("internalRegistryHostname"), pruning.toString());

        JsonNode run = RunsApi.runToCompletion(WAIT);

        assertEquals("SUCCEEDED", run.get("state").asText(), run.toString());
        String summary = run.get("summary").asText();
        assertTrue(summary.startsWith("deleted 1 image object(s)"), summary);
        assertFalse(summary.contains("link") || summary.contains("blob"), "no registry action: " + summary);
        assertNull(client().images().withName(OLD.manifestDigest()).get(), "the image object is deleted");
    }

    /** The image config {@code cluster} with this internal registry (null: none, as with the registry removed). */
    private void imageConfig(String internalRegistryHostname) {
        GenericKubernetesResource image = new GenericKubernetesResource();
        image.setApiVersion("config.openshift.io/v1");
        image.setKind("Image");
        image.setMetadata(new ObjectMetaBuilder().withName("cluster").build());
        image.setAdditionalProperty("spec", Map.of());
        image.setAdditionalProperty("status", internalRegistryHostname == null ? Map.of()
                : Map.of("internalRegistryHostname", internalRegistryHostname));
        client().genericKubernetesResources(ClusterImageConfig.IMAGES).resource(image).createOr(
                existing -> existing.update());
    }
}
