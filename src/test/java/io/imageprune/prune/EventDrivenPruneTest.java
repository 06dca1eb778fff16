package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.openshift.api.model.TagEvent;
import io.imageprune.model.ReferrerKind;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.registry.testkit.FaultProxy;
import io.imageprune.registry.testkit.RegistryPusher;
import io.imageprune.registry.testkit.RegistryPusher.PushedImage;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

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
 * targeted passes by themselves. Invalid references are ignored (planned around), as the operator's
 * {@code ignoreInvalidImageReferences} allows.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(InProcessKafka.class)
@WithTestResource(value = RealRegistry.class, initArgs = @ResourceArg(name = "flavour", value = "openshift"))
@WithTestResource(EventDrivenPruneTest.Settings.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventDrivenPruneTest extends RegistryServiceTestBase {
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
                    "imageprune.prune.debounce", "200ms", "imageprune.plan.keep-younger-than", "5s",
                    "imageprune.plan.ignore-invalid-refs", "true");
        }
    }

    @BeforeEach
    void connect() {
        // the proxy's requests are kept: the last test checks every request the class's runs sent
        use(RegistryTestbed.connect(server, WAIT, live::synced));
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
        // the openshift flavour removes the image's own blobs from global storage (algorithm §10.1 request shapes)
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

        assertNotNull(client.images().withName(f1.manifestDigest()).get(), "kept for a later run (algorithm §7.3)");
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

    /**
     * Issue 9: Image objects whose layers and config are named like a kept image's blobs plus a query, a fragment or a
     * path. Sent unescaped, a registry routing on the path would unlink and delete the kept image's blobs. They are
     * kept (with everything they name), reported, and nothing of theirs reaches the registry.
     */
    @Test
    @Order(4)
    void hostileDigestsNeverReachTheRegistryAndTheKeptImageStillPulls() throws Exception {
        PushedImage kept = pusher.push("ns4/evil", "v2", List.of("evil base", "evil kept"));
        PushedImage old = pusher.push("ns4/evil", "v1", List.of("evil base", "evil old"));
        String base = kept.layers().get(0).digest();
        String own = kept.layers().get(1).digest();
        PushedImage inStream = hostile(List.of(base + "?evil", own + "#x"), kept.configDigest() + "?evil");
        PushedImage orphan = hostile(List.of("sha256:x/../../v2/ns4/evil/manifests/" + kept.manifestDigest(),
                own + "?evil"), kept.configDigest() + "#x");
        cluster.createImage(kept);
        cluster.createImage(old);
        cluster.createImage(inStream);
        cluster.createImage(orphan);
        cluster.createStream("ns4/evil", "latest", List.of(kept, old, inStream));

        // the event-driven pass prunes the safe old revision; a full run afterwards considers everything
        await().atMost(WAIT).until(() -> client.images().withName(old.manifestDigest()).get() == null);
        JsonNode run = fullRunToCompletion();

        assertEquals("SUCCEEDED", run.get("state").asText(), run.toString());
        assertTrue(pusher.pull("ns4/evil", kept.manifestDigest()), "the kept image pulls: manifest and every blob");
        for (String blob : List.of(base, own, kept.configDigest())) {
            assertEquals(0, proxy.requests("DELETE", ".*" + Pattern.quote(blob) + ".*").size(), blob);
        }
        assertEquals(404, pusher.manifestStatus("ns4/evil", old.manifestDigest()), "the safe old image went");
        proxy.requests("DELETE", ".*").forEach(r -> assertTrue(SAFE_REQUEST.matcher(r.path()).matches(),
                "only safe paths are ever sent: " + r.path()));
        assertNotNull(client.images().withName(inStream.manifestDigest()).get());
        assertNotNull(client.images().withName(orphan.manifestDigest()).get());
        assertNotNull(client.images().withName(kept.manifestDigest()).get());
        assertEquals(List.of(kept.manifestDigest(), inStream.manifestDigest()), client.imageStreams()
                .inNamespace("ns4").withName("evil").get().getStatus().getTags().get(0).getItems().stream()
                .map(TagEvent::getImage).toList(), "the hostile image's revision stays with its links");

        // reported: status, metric, explain
        JsonNode status = MAPPER.readTree(given().get("/api/v1/status").then().statusCode(200).extract().asString());
        List<String> problems = new ArrayList<>();
        status.get("invalidIdentities").forEach(p -> problems.add(p.asText()));
        assertEquals(6, problems.size(), problems.toString());
        assertTrue(problems.contains("images/" + inStream.manifestDigest() + ": dockerImageLayers[0].name: invalid "
                + "digest \"" + base + "?evil\": a digest sent to the registry must be one URL path segment matching "
                + "[A-Za-z0-9][A-Za-z0-9+._:=-]* without \"..\""), problems.toString());
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(Pattern.compile("(?m)^imageprune_state_identities_invalid(\\{[^}]*})? 2\\.0$").matcher(metrics)
                .find(), "the metric counts both images");
        JsonNode explained = MAPPER.readTree(given().get("/api/v1/images/" + orphan.manifestDigest() + "/explain")
                .then().statusCode(200).extract().asString());
        assertEquals("KEPT", explained.get("verdict").asText(), explained.toString());
        assertEquals("UNSAFE_IMAGE", explained.get("rule").get("name").asText(), explained.toString());
    }

    /** Nothing but {@code /v2/<repo>/{blobs,manifests}/<digest>} and {@code /admin/blobs/<digest>} of safe names. */
    private static final Pattern SAFE_REQUEST = Pattern.compile(
            "/(v2/[a-z0-9._-]+/[a-z0-9._-]+/(blobs|manifests)|admin/blobs)/sha256:[0-9a-f]{64}");

    /** An Image object of its own (a fabricated name) whose blobs are the given names. */
    private static PushedImage hostile(List<String> layers, String config) {
        String name = "sha256:" + UUID.randomUUID().toString().replace("-", "").repeat(2);
        return new PushedImage("ns4/evil", "hostile", name, layers.get(0), 10, config, 10, "{}",
                layers.stream().map(l -> new RegistryPusher.Blob(l, 10)).toList());
    }

    private JsonNode fullRunToCompletion() throws Exception {
        String[] id = new String[1];
        // an event-driven pass may still be running: the API answers 409 until it is done
        await().atMost(WAIT).until(() -> {
            var response = given().post("/api/v1/runs").then().extract();
            if (response.statusCode() == 202) {
                id[0] = MAPPER.readTree(response.asString()).get("id").asText();
                return true;
            }
            assertEquals(409, response.statusCode(), response.asString());
            return false;
        });
        return RunsApi.awaitEnd(id[0], WAIT);
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
