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

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code imageprune.plan.invalid-refs=contain} through the service: a running pod with an invalid reference naming
 * stream shop/web no longer stops a confirmed run against the real registry; the run prunes shop/api and leaves
 * shop/web as it is, and status, metrics and explain name the contained reference.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(InProcessKafka.class)
@WithTestResource(value = RealRegistry.class, initArgs = @ResourceArg(name = "flavour", value = "distribution"))
@WithTestResource(ContainServiceTest.Settings.class)
class ContainServiceTest extends RegistryServiceTestBase {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    /** Confirmed runs on request only, one revision per tag, everything old enough at once, contain mode. */
    public static class Settings extends PruneTestSettings {
        @Override
        Map<String, String> settings() {
            return confirmedOnRequest("imageprune.plan.invalid-refs", "contain");
        }
    }

    @Test
    void aContainedReferenceLetsTheRunProceedAndKeepsTheRepositoryItNames() throws Exception {
        use(RegistryTestbed.connect(server, WAIT, live::synced, recovery::recovered));

        PushedImage w1 = pusher.push("shop/web", "w1", List.of("web base", "web w1"));
        PushedImage w2 = pusher.push("shop/web", "w2", List.of("web base", "web w2"));
        PushedImage a1 = pusher.push("shop/api", "a1", List.of("api a1"));
        PushedImage a2 = pusher.push("shop/api", "a2", List.of("api a2"));
        cluster.mirror("shop/web", List.of(w2, w1));
        cluster.mirror("shop/api", List.of(a2, a1));
        LivePlan.awaitDeletes(WAIT, Set.of(w1.manifestDigest(), a1.manifestDigest()), Set.of());

        // a digest too short to parse: oc would stop everything; its repository part names shop/web
        URI registry = URI.create(RealRegistry.registry().url());
        String invalid = registry.getHost() + ":" + registry.getPort() + "/shop/web@sha256:abc";
        cluster.createPod("shop", "half-typed", invalid);
        LivePlan.awaitDeletes(WAIT, Set.of(a1.manifestDigest()), Set.of(w1.manifestDigest()));
        given().get("/api/v1/plan?invalid-refs=stop").then().statusCode(422);
        given().get("/api/v1/plan?invalid-refs=contain&ignore-invalid-refs=true").then().statusCode(400);

        JsonNode pruning = MAPPER.readTree(given().get("/api/v1/status").then().statusCode(200).extract().asString())
                .get("pruning");
        assertEquals("contain", pruning.get("invalidRefs").asText(), pruning.toString());
        JsonNode contained = pruning.get("containedInvalidReferences");
        assertEquals(1, contained.size(), pruning.toString());
        assertEquals("Pod shop/half-typed", contained.get(0).get("holder").asText());
        assertEquals("imagestream shop/web", contained.get(0).get("protects").asText());
        assertTrue(contained.get(0).get("message").asText().contains("invalid image reference \"" + invalid + "\""),
                contained.toString());
        assertTrue(given().get("/q/metrics").then().statusCode(200).extract().asString()
                .contains("imageprune_invalid_references_contained 1.0"));
        JsonNode explanation = MAPPER.readTree(given().get("/api/v1/images/" + w1.manifestDigest() + "/explain")
                .then().statusCode(200).extract().asString());
        assertTrue(explanation.get("beyondOc").toString().contains("stream shop/web left alone: contained invalid "
                + "reference in Pod shop/half-typed"), explanation.toString());

        JsonNode run = RunsApi.runToCompletion(WAIT);
        assertEquals("SUCCEEDED", run.get("state").asText(), run.toString());

        assertTrue(pusher.pull("shop/web", w1.manifestDigest()), "the contained repository's old image still pulls");
        assertNotNull(client.images().withName(w1.manifestDigest()).get());
        assertEquals(2, client.imageStreams().inNamespace("shop").withName("web").get().getStatus().getTags().get(0)
                .getItems().size(), "no revision of shop/web is removed");
        assertEquals(404, pusher.manifestStatus("shop/api", a1.manifestDigest()), "the rest is pruned");
        assertNull(client.images().withName(a1.manifestDigest()).get());
        assertFalse(client.imageStreams().inNamespace("shop").withName("api").get().getStatus().getTags().get(0)
                .getItems().stream().anyMatch(item -> item.getImage().equals(a1.manifestDigest())));
    }
}
