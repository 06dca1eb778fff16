package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imageprune.policy.PruneOptions;
import io.imageprune.testkit.SettingsResource;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator's ImagePruner resource as the configuration, followed live, reported in its condition vocabulary. */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(ImagePrunerDropInTest.Settings.class)
class ImagePrunerDropInTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    public static class Settings extends SettingsResource {
        @Override
        protected Map<String, String> settings() {
            return Map.of("imageprune.image-pruner.enabled", "true");
        }
    }

    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    PruneSettings settings;
    @Inject
    PruneTriggers triggers;
    @Inject
    Scheduler scheduler;

    @Test
    void theImagePrunerConfiguresRunsWhileItExists() throws Exception {
        KubernetesClient client = server.getClient();
        triggers.startSchedule();
        assertEquals("configuration", status().get("pruning").get("settingsFrom").asText());

        Map<String, Object> spec = new HashMap<>(Map.of("schedule", "*/5 * * * *", "suspend", true,
                "keepTagRevisions", 1, "keepYoungerThanDuration", "30m", "ignoreInvalidImageReferences", true,
                "logLevel", "Debug"));
        GenericKubernetesResource pruner = new GenericKubernetesResource();
        pruner.setApiVersion("imageregistry.operator.openshift.io/v1");
        pruner.setKind("ImagePruner");
        pruner.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("cluster").build());
        pruner.setAdditionalProperty("spec", spec);
        client.genericKubernetesResources(ImagePrunerDropIn.IMAGE_PRUNERS).resource(pruner).create();

        await().atMost(WAIT).until(() -> settings.current().source().equals("imagepruner/cluster"));
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        PruneOptions options = settings.options(now);
        assertEquals(1, options.keepTagRevisions());
        assertEquals(now.minus(Duration.ofMinutes(30)), options.threshold());
        assertTrue(options.ignoreInvalidRefs());
        // listeners hear of the change after the settings changed: wait for the schedule to follow
        await().atMost(WAIT).until(() -> "0 */5 * * * ?".equals(triggers.schedule()));
        assertNotNull(scheduler.getScheduledJob("imageprune-full-run"));
        assertEquals(Level.FINE, java.util.logging.Logger.getLogger("io.imageprune").getLevel(), "logLevel Debug");
        assertEquals("False", condition("Degraded").get("status").asText());
        assertEquals("True", condition("Scheduled").get("status").asText());

        // the operator's CronJob would prune too: said, not hidden
        edit(client, s -> s.put("suspend", false));
        await().atMost(WAIT).until(() -> condition("Degraded").get("reason").asText().equals("OperatorPrunerActive"));

        // an unreadable value changes nothing and says why
        edit(client, s -> s.put("keepTagRevisions", -1));
        await().atMost(WAIT).until(() -> condition("Degraded").get("reason").asText().equals("InvalidImagePruner"));
        assertEquals(1, settings.current().keepTagRevisions(), "the last good settings stay");

        client.genericKubernetesResources(ImagePrunerDropIn.IMAGE_PRUNERS).withName("cluster").delete();
        await().atMost(WAIT).until(() -> settings.current().source().equals("configuration"));
        assertEquals(3, settings.options(now).keepTagRevisions());
        assertFalse(condition("Degraded").get("status").asText().equals("True"));
    }

    private static void edit(KubernetesClient client, java.util.function.Consumer<Map<String, Object>> change) {
        client.genericKubernetesResources(ImagePrunerDropIn.IMAGE_PRUNERS).withName("cluster").edit(pruner -> {
            Map<String, Object> spec = new HashMap<>(pruner.get("spec"));
            change.accept(spec);
            pruner.setAdditionalProperty("spec", spec);
            return pruner;
        });
    }

    private static JsonNode status() throws Exception {
        return MAPPER.readTree(given().get("/api/v1/status").then().statusCode(200).extract().asString());
    }

    private static JsonNode condition(String type) throws Exception {
        for (JsonNode condition : status().get("conditions")) {
            if (condition.get("type").asText().equals(type)) {
                return condition;
            }
        }
        throw new AssertionError("no condition " + type);
    }
}
