package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.registry.testkit.RegistryPusher.PushedImage;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scoped deployment ({@code imageprune.ingest.namespaces=shop}) through the service: an image whose only user is a
 * pod in a namespace the ingest does not watch looks unreferenced to the graph, yet a confirmed run against the real
 * registry must not delete it. Stage 1 still prunes the watched namespace's streams.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(InProcessKafka.class)
@WithTestResource(value = RealRegistry.class, initArgs = @ResourceArg(name = "flavour", value = "distribution"))
@WithTestResource(NamespaceScopeServiceTest.Settings.class)
class NamespaceScopeServiceTest extends RegistryServiceTestBase {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    /** The ingest watches "shop" only; confirmed runs on request, everything old enough at once. */
    public static class Settings extends PruneTestSettings {
        @Override
        Map<String, String> settings() {
            return confirmedOnRequest("imageprune.ingest.namespaces", "shop");
        }
    }

    @Test
    void anImageUsedOnlyOutsideTheWatchedNamespacesSurvivesAConfirmedRun() throws Exception {
        use(RegistryTestbed.connect(server, WAIT, live::synced, recovery::recovered));

        PushedImage w1 = pusher.push("shop/web", "w1", List.of("shop w1"));
        PushedImage w2 = pusher.push("shop/web", "w2", List.of("shop w2"));
        cluster.mirror("shop/web", List.of(w2, w1));
        // the only user of x1 is a pod in a namespace the ingest does not watch; so is the stream that names it
        PushedImage x1 = pusher.push("other/app", "x1", List.of("other x1"));
        cluster.mirror("other/app", List.of(x1));
        cluster.createPod("other", "runner", cluster.pullSpec(x1));
        await().atMost(WAIT).until(() -> live.synced() && live.read(graph -> graph.image(x1.manifestDigest()) != null
                && graph.image(w1.manifestDigest()) != null && graph.stream("shop/web") != null));

        JsonNode run = RunsApi.runToCompletion(WAIT);

        assertTrue(pusher.pull("other/app", x1.manifestDigest()), "the image the unwatched pod runs still pulls: "
                + run);
        assertNotNull(client.images().withName(x1.manifestDigest()).get(), "its Image object stays");
        assertEquals("SUCCEEDED", run.get("state").asText(), run.toString());
        assertEquals(1, client.imageStreams().inNamespace("shop").withName("web").get().getStatus().getTags().get(0)
                .getItems().size(), "stage 1 pruned the watched namespace's stream");
        assertNotNull(client.images().withName(w1.manifestDigest()).get(), "stage 2 deleted no image: " + run);
        assertEquals(0, run.get("stats").get("deletedImages").asInt(), run.toString());
        assertTrue(run.get("warnings").toString().contains("stage 2 skipped: the graph covers namespace shop only"),
                run.toString());

        JsonNode status = MAPPER.readTree(given().get("/api/v1/status").then().statusCode(200).extract().asString());
        assertEquals("[\"shop\"]", status.get("scope").get("namespaces").toString(), status.toString());
        assertEquals(false, status.get("scope").get("all").asBoolean(), status.toString());
        JsonNode plan = MAPPER.readTree(given().get("/api/v1/plan").then().statusCode(200).extract().asString());
        assertEquals(0, plan.get("imageDeletions").size(), plan.toString());
        assertEquals("[\"stage 2 skipped: the graph covers namespace shop only; no image or blob is deleted and only "
                + "image streams there are pruned\"]", plan.get("limits").toString(), plan.toString());
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(line -> line.equals("imageprune_state_scope_namespaces 1.0")),
                "one namespace covered: " + metrics.lines().filter(l -> l.contains("scope")).toList());
    }
}
