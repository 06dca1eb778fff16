package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.registry.testkit.RegistryPusher.PushedImage;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 through the service: a Knative Service (its CRD registered in the mock API server after the service
 * started) keeps the image it names through a confirmed run against the real registry, and annotating a namespace
 * {@code imageprune.io/protect: "true"} protects its streams live.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(InProcessKafka.class)
@WithTestResource(value = RealRegistry.class, initArgs = @ResourceArg(name = "flavour", value = "distribution"))
@WithTestResource(BeyondOcServiceTest.Settings.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BeyondOcServiceTest extends RegistryServiceTestBase {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ResourceDefinitionContext KNATIVE_SERVICE = new ResourceDefinitionContext.Builder()
            .withGroup("serving.knative.dev").withVersion("v1").withKind("Service").withPlural("services")
            .withNamespaced(true).build();

    /**
     * Confirmed runs on request only, one revision per tag, everything old enough at once, and a kind whose API is
     * missing looked for again every second.
     */
    public static class Settings extends PruneTestSettings {
        @Override
        Map<String, String> settings() {
            return confirmedOnRequest("imageprune.ingest.missing-api-check", "1s");
        }
    }

    @Inject
    io.imageprune.ingest.ClusterIngest ingest;

    @BeforeEach
    void connect() {
        use(RegistryTestbed.connectAfresh(server, WAIT, live::synced, recovery::recovered));
    }

    @Test
    @Order(1)
    void aKnativeServiceKeepsTheImageItNamesThroughAConfirmedRun() throws Exception {
        PushedImage v1 = pusher.push("kn/app", "v1", List.of("kn base", "kn v1"));
        PushedImage v2 = pusher.push("kn/app", "v2", List.of("kn base", "kn v2"));
        PushedImage v3 = pusher.push("kn/app", "v3", List.of("kn base", "kn v3"));
        cluster.mirror("kn/app", List.of(v3, v2, v1));
        LivePlan.awaitDeletes(WAIT, Set.of(v1.manifestDigest(), v2.manifestDigest()), Set.of());

        // the CRD appears after the service started; a Knative Service then runs v1 by digest
        server.getKubernetesMockServer().expectCustomResource(new CustomResourceDefinitionContext.Builder()
                .withGroup("serving.knative.dev").withVersion("v1").withKind("Service").withPlural("services")
                .withScope("Namespaced").build());
        GenericKubernetesResource knative = client.getKubernetesSerialization().unmarshal(("""
                {"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"web","namespace":"kn"},
                 "spec":{"template":{"spec":{"containers":[{"image":"%s"}]}}}}""").formatted(cluster.pullSpec(v1)),
                GenericKubernetesResource.class);
        client.genericKubernetesResources(KNATIVE_SERVICE).inNamespace("kn").resource(knative).create();
        LivePlan.awaitDeletes(WAIT, Set.of(v2.manifestDigest()), Set.of(v1.manifestDigest()));

        JsonNode explanation = MAPPER.readTree(given().get("/api/v1/images/" + v1.manifestDigest() + "/explain")
                .then().statusCode(200).extract().asString());
        assertTrue(explanation.get("beyondOc").toString().contains("kept: pinned by Service kn/web"),
                explanation.toString());

        JsonNode run = RunsApi.runToCompletion(WAIT);
        assertEquals("SUCCEEDED", run.get("state").asText(), run.toString());
        assertTrue(pusher.pull("kn/app", v1.manifestDigest()), "the image the Knative Service runs still pulls");
        assertNotNull(client.images().withName(v1.manifestDigest()).get());
        assertEquals(404, pusher.manifestStatus("kn/app", v2.manifestDigest()), "what nothing holds is pruned");
        assertNull(client.images().withName(v2.manifestDigest()).get());
    }

    @Test
    @Order(2)
    void annotatingANamespaceProtectsItsStreamsLive() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("kept").endMetadata().build())
                .create();
        PushedImage w1 = pusher.push("kept/web", "w1", List.of("kept w1"));
        PushedImage w2 = pusher.push("kept/web", "w2", List.of("kept w2"));
        cluster.mirror("kept/web", List.of(w2, w1));
        LivePlan.awaitDeletes(WAIT, Set.of(w1.manifestDigest()), Set.of());

        client.namespaces().withName("kept").edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .addToAnnotations("imageprune.io/protect", "true").endMetadata().build());
        LivePlan.awaitDeletes(WAIT, Set.of(), Set.of(w1.manifestDigest()));

        JsonNode run = RunsApi.runToCompletion(WAIT);
        assertEquals("SUCCEEDED", run.get("state").asText(), run.toString());
        assertTrue(pusher.pull("kept/web", w1.manifestDigest()), "the protected namespace's old image still pulls");
        assertNotNull(client.images().withName(w1.manifestDigest()).get());
        assertEquals(2, client.imageStreams().inNamespace("kept").withName("web").get().getStatus().getTags().get(0)
                .getItems().size(), "the protected stream keeps its history");
    }

    @Test
    @Order(3)
    void aKindWhoseApiIsMissingIsWatchedOnceItAppears() {
        // the API server does not serve Tekton at the ingest's listing (404), then does
        server.expect().get().withPath("/apis/tekton.dev/v1/taskruns?resourceVersion=0").andReturn(404,
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":404}").once();
        ingest.stop();
        ingest.start();
        assertEquals("API not available, treated as empty (as oc does)", ingest.kindStatus().get("TaskRun"));
        await().atMost(WAIT).until(live::synced);
        ResourceDefinitionContext taskRuns = new ResourceDefinitionContext.Builder().withGroup("tekton.dev")
                .withVersion("v1").withKind("TaskRun").withPlural("taskruns").withNamespaced(true).build();
        GenericKubernetesResource run = client.getKubernetesSerialization().unmarshal("""
                {"apiVersion":"tekton.dev/v1","kind":"TaskRun","metadata":{"name":"build","namespace":"ci"},
                 "spec":{"taskSpec":{"steps":[{"name":"s","image":"registry.io/ci/tools:1"}]}}}""",
                GenericKubernetesResource.class);
        await().atMost(WAIT).until(() -> "watching".equals(ingest.kindStatus().get("TaskRun")));
        client.genericKubernetesResources(taskRuns).inNamespace("ci").resource(run).create();
        await().atMost(WAIT).until(() -> live.read(graph -> graph.extensions()
                .holders(io.imageprune.graph.ExtensionHolders.Source.CUSTOM_RESOURCE).stream()
                .anyMatch(h -> h.kind().equals("TaskRun") && h.name().equals("build"))));
    }
}
