package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.openshift.api.model.TagEvent;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.model.ReferrerKind;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.registry.testkit.FaultProxy;
import io.imageprune.registry.testkit.RegistryPusher;
import io.imageprune.registry.testkit.RegistryPusher.PushedImage;
import io.imageprune.state.LiveGraph;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Event-driven pruning with the {@code openshift} registry flavour (global blobs through {@code /admin/blobs}), against
 * the real distribution registry behind the fault proxy: no run is requested; objects becoming old enough start
 * targeted passes by themselves.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(InProcessKafka.class)
@WithTestResource(value = RealRegistry.class, initArgs = @ResourceArg(name = "flavour", value = "openshift"))
@WithTestResource(EventDrivenPruneTest.Settings.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventDrivenPruneTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * Objects are young for 5 s after the mock API stamps them (it cannot back-date), so a test creates a stream and
     * its images before any of them can be pruned, and the threshold passing is what starts the pass.
     */
    public static class Settings extends PruneTestSettings {
        @Override
        Map<String, String> settings() {
            return Map.of("imageprune.prune.confirm", "true", "imageprune.prune.event-driven", "true",
                    "imageprune.prune.debounce", "200ms", "imageprune.plan.keep-younger-than", "5s");
        }
    }

    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    LiveGraph live;

    private OpenShiftClient client;
    private ClusterObjects cluster;
    private RegistryPusher pusher;
    private FaultProxy proxy;

    @BeforeEach
    void connect() {
        client = server.getClient().adapt(OpenShiftClient.class);
        proxy = RealRegistry.proxy();
        proxy.clearRules();
        cluster = ClusterObjects.ofRealRegistry(client);
        pusher = new RegistryPusher(RealRegistry.registry().url());
        await().atMost(WAIT).until(live::synced);
    }

    @Test
    @Order(1)
    void anOldRevisionIsPrunedOnceItAgesWithoutAnyRunBeingRequested() throws Exception {
        PushedImage v1 = pusher.push("ns1/app", "v1", List.of("event base", "event v1"));
        PushedImage v2 = pusher.push("ns1/app", "v2", List.of("event base", "event v2"));
        cluster.mirror("ns1/app", List.of(v2, v1));

        await().atMost(WAIT).until(() -> client.images().withName(v1.manifestDigest()).get() == null);

        assertEquals(404, pusher.manifestStatus("ns1/app", v1.manifestDigest()));
        assertEquals(404, pusher.blobStatus("ns1/app", v1.layers().get(1).digest()));
        assertTrue(pusher.pull("ns1/app", v2.manifestDigest()));
        assertNotNull(client.images().withName(v2.manifestDigest()).get());
        assertEquals(List.of(v2.manifestDigest()), client.imageStreams().inNamespace("ns1").withName("app").get()
                .getStatus().getTags().get(0).getItems().stream().map(TagEvent::getImage).toList());
        // the openshift flavour removes the image's own blobs from global storage (spec §10.1 request shapes)
        for (String digest : List.of(v1.layers().get(1).digest(), v1.configDigest(), v1.manifestDigest())) {
            assertEquals(1, proxy.requests("DELETE", Pattern.quote("/admin/blobs/" + digest)).size(), digest);
        }
        assertEquals(0, proxy.requests("DELETE", Pattern.quote("/admin/blobs/" + v1.layers().get(0).digest()))
                .size(), "the base layer is still held by v2");
        JsonNode runs = MAPPER.readTree(given().get("/api/v1/runs").then().statusCode(200).extract().asString());
        List<String> triggers = new ArrayList<>();
        runs.forEach(r -> triggers.add(r.get("trigger").asText()));
        assertTrue(triggers.contains("event"), triggers.toString());
        assertFalse(triggers.contains("api"), "nobody asked for a run");
    }

    @Test
    @Order(2)
    void anImageWhoseBlobDeletionsAllFailedIsKeptForALaterRun() throws Exception {
        PushedImage f1 = pusher.push("ns2/fail", "f1", List.of("fail one"));
        PushedImage f2 = pusher.push("ns2/fail", "f2", List.of("fail two"));
        String f1Blobs = "/admin/blobs/(" + Pattern.quote(f1.layerDigest()) + "|" + Pattern.quote(f1.configDigest())
                + "|" + Pattern.quote(f1.manifestDigest()) + ")";
        proxy.failAlways(500, "DELETE", f1Blobs);
        cluster.mirror("ns2/fail", List.of(f2, f1));

        // four attempts for each of its three blobs, all answered 500
        await().atMost(WAIT).until(() -> proxy.requests("DELETE", f1Blobs).size() >= 12 && runFailedOn(f1));

        assertNotNull(client.images().withName(f1.manifestDigest()).get(), "kept for a later run (spec §7.3)");
        assertEquals(404, pusher.manifestStatus("ns2/fail", f1.manifestDigest()), "stage 1 did its part");
    }

    @Test
    @Order(3)
    void aReferenceAppearingWhileTheImageIsBeingDeletedSavesIt() throws Exception {
        PushedImage g1 = pusher.push("ns3/race", "g1", List.of("race one"));
        PushedImage g2 = pusher.push("ns3/race", "g2", List.of("race two"));
        String pod = "late-" + UUID.randomUUID().toString().substring(0, 8);
        // stage 2 re-checks g1 before its first blob, then a pod starts running it while that DELETE is on its way
        proxy.onRequest(FaultProxy.matching("DELETE", Pattern.quote("/admin/blobs/" + g1.layerDigest())), () -> {
            cluster.createPod("ns3", pod, cluster.pullSpec(g1));
            await().atMost(WAIT).until(() -> live.read(g -> g.referrer(ReferrerKind.POD, "ns3", pod) != null));
        });
        cluster.mirror("ns3/race", List.of(g2, g1));

        await().atMost(WAIT).until(() -> proxy.requests("DELETE", Pattern.quote("/admin/blobs/" + g1.layerDigest()))
                .size() == 1 && !runningNow());

        assertNotNull(client.images().withName(g1.manifestDigest()).get(), "the new reference saved the image");
        assertEquals(0, proxy.requests("DELETE", Pattern.quote("/admin/blobs/" + g1.configDigest())).size(),
                "no blob of a saved image is deleted after the reference appeared");
        assertEquals(0, proxy.requests("DELETE", Pattern.quote("/admin/blobs/" + g1.manifestDigest())).size());
    }

    private boolean runFailedOn(PushedImage image) throws Exception {
        JsonNode runs = MAPPER.readTree(given().get("/api/v1/runs").then().statusCode(200).extract().asString());
        for (JsonNode run : runs) {
            for (JsonNode failure : run.get("failures")) {
                if (failure.asText().startsWith("image " + image.manifestDigest() + ": failed to delete blob ")) {
                    return !"RUNNING".equals(run.get("state").asText());
                }
            }
        }
        return false;
    }

    private boolean runningNow() throws Exception {
        JsonNode runs = MAPPER.readTree(given().get("/api/v1/runs").then().statusCode(200).extract().asString());
        for (JsonNode run : runs) {
            if ("RUNNING".equals(run.get("state").asText())) {
                return true;
            }
        }
        return false;
    }
}
