package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.registry.testkit.FaultProxy;
import io.imageprune.registry.testkit.RegistryPusher;
import io.imageprune.registry.testkit.RegistryPusher.PushedImage;
import io.imageprune.state.LiveGraph;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shutdown in the middle of a confirmed run (against the real registry, the CRUD mock API and a real broker): the run
 * stops before its next DELETE, ends within the shutdown's bound, and no run starts any more. The class has an
 * application of its own, since a runner that began shutting down stays so.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(InProcessKafka.class)
@WithTestResource(value = RealRegistry.class, initArgs = @ResourceArg(name = "flavour", value = "distribution"))
@WithTestResource(ShutdownMidRunTest.Settings.class)
class ShutdownMidRunTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** What the service gives a run at shutdown (ServiceRoles' run stop). */
    private static final Duration RUN_STOP = Duration.ofSeconds(2);

    /** Confirmed runs on request only, everything old enough at once, one replica (the test profile's default). */
    public static class Settings extends PruneTestSettings {
        @Override
        Map<String, String> settings() {
            return confirmedOnRequest();
        }
    }

    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    LiveGraph live;
    @Inject
    PruneRunner runner;

    @Test
    void aRunStopsBeforeItsNextDeleteAndEndsWithinTheBound() throws Exception {
        RegistryTestbed testbed = RegistryTestbed.connectAfresh(server, WAIT, live::synced);
        OpenShiftClient client = testbed.client();
        FaultProxy proxy = testbed.proxy();
        RegistryPusher pusher = testbed.pusher();
        PushedImage s1 = pusher.push("ns9/shut", "s1", List.of("shut one"));
        PushedImage s2 = pusher.push("ns9/shut", "s2", List.of("shut two"));
        testbed.cluster().mirror("ns9/shut", List.of(s2, s1));
        LivePlan.awaitDeletes(WAIT, Set.of(s1.manifestDigest()));
        // SIGTERM arrives while the first link deletion is on its way
        CompletableFuture<Long> stopped = new CompletableFuture<>();
        proxy.onRequest(FaultProxy.matching("DELETE", "/v2/ns9/shut/.*"), () -> CompletableFuture.runAsync(() -> {
            long began = System.nanoTime();
            if (runner.shutDown(RUN_STOP)) {
                stopped.complete(System.nanoTime() - began);
            } else {
                stopped.completeExceptionally(new AssertionError("the run did not end within " + RUN_STOP));
            }
        }));

        String id = RunsApi.start();

        Duration took = Duration.ofNanos(stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(took.compareTo(RUN_STOP) <= 0, "ended after " + took);
        JsonNode run = RunsApi.report(id);
        assertEquals("FAILED", run.get("state").asText(), "a stopped run did not do its job: " + run);
        assertEquals("stopped before its end: this replica is shutting down", run.get("reason").asText(), run.toString());
        Set<String> deletes = new HashSet<>();
        proxy.requests("DELETE", ".*").forEach(r -> deletes.add(r.method() + " " + r.path()));
        assertEquals(Set.of("DELETE /v2/ns9/shut/blobs/" + s1.layerDigest()), deletes, "nothing after shutdown began");
        assertTrue(run.get("actions").get("MANIFEST_LINK").has("SAVED"), run.toString());
        assertNotNull(client.images().withName(s1.manifestDigest()).get(), "stage 2 deleted nothing either");
        JsonNode refusal = RunsApi.refused(503);
        assertTrue(refusal.get("error").asText().contains("shutting down"), refusal.toString());
    }
}
