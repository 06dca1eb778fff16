package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.imageprune.ingest.ClusterIngest;
import io.imageprune.pipeline.CuttableKafka;
import io.imageprune.projection.SyncMarker;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Freshness is part of "synced", with a real broker that becomes unreachable (a TCP proxy in front of it is cut) and a
 * real ingest on the CRUD mock API: the checks of {@link BrokerOutageChecks} (an outage while idle and during a
 * confirmed run against the real registry); an ingest that stops writing markers, or one that could not publish, makes
 * the graph stale until it has relisted; an ingest started while the broker is away starts once it answers.
 * {@link BrokerStopTest} runs the same checks with the broker's process stopped.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(KafkaOutageTest.Settings.class)
@WithTestResource(value = RealRegistry.class, initArgs = @ResourceArg(name = "flavour", value = "distribution"))
class KafkaOutageTest extends BrokerOutageChecks {
    /** The broker behind a proxy, with the outage checks' settings. */
    public static class Settings extends CuttableKafka {
        @Override
        protected Map<String, String> settings() {
            return SETTINGS;
        }
    }

    @Inject
    ClusterIngest ingest;

    @Override
    void brokerAway() {
        CuttableKafka.cut();
    }

    @Override
    void brokerBack() {
        CuttableKafka.restore();
    }

    @Test
    @Order(2)
    void anIngestThatStopsWritingMarkersMakesTheGraphStale() throws Exception {
        ingest.stop();
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> !live.synced());
            String reason = live.notSyncedReason();
            assertTrue(reason.contains("imageprune.state.max-marker-age=PT6S"), reason);
            JsonNode refusal = MAPPER.readTree(given().post("/api/v1/runs").then().statusCode(503).extract().asString());
            assertEquals("NOT_SYNCED", refusal.get("gate").asText(), refusal.toString());
            given().get("/q/health/ready").then().statusCode(503);
        } finally {
            ingest.start();
        }
        await().atMost(WAIT).until(live::synced);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    @Order(3)
    void aPublishFailureMakesTheIngestRelistAndWriteANewMarker() throws Exception {
        long epochBefore = live.lastMarker().epoch();
        double relistsBefore = counter("imageprune.ingest.relists");
        // a projection larger than the producer's max.request.size: its publish fails for real
        List<Container> containers = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            containers.add(new ContainerBuilder().withName("c" + i)
                    .withImage("registry.example/ns/" + "x".repeat(600) + ":v" + i).build());
        }
        client.pods().inNamespace("ns").resource(new PodBuilder().withNewMetadata().withName("huge")
                .withNamespace("ns").endMetadata().withNewSpec().withContainers(containers).endSpec().build())
                .create();

        await().atMost(WAIT).until(() -> !live.synced());
        String reason = live.notSyncedReason();
        assertTrue(reason.contains("could not publish the projection of Pod/ns/huge"), reason);
        given().post("/api/v1/runs").then().statusCode(503);

        client.pods().inNamespace("ns").withName("huge").delete();
        await().atMost(WAIT).until(live::synced);
        SyncMarker marker = live.lastMarker();
        assertNull(marker.fault());
        assertTrue(marker.epoch() > epochBefore, "a new listing's marker: " + marker);
        assertTrue(counter("imageprune.ingest.relists") > relistsBefore, "the ingest relisted");
        assertNotNull(live.objectsPerKind().get("Pod"));
        assertEquals(5, live.objectsPerKind().get("Pod"), "the huge pod never reached the graph");
    }

    /** Found by the chaos soak: a service restarted during a broker outage never became synced again. */
    @Test
    @Order(5)
    void anIngestStartedWhileTheBrokerIsAwayStartsOnceItAnswers() {
        ingest.stop();
        long epochBefore = ingest.epoch();
        CuttableKafka.cut();
        try {
            ingest.startInBackground();
            // the topic check times out (30 s) while the broker is away: the start failed once
            await().atMost(Duration.ofSeconds(90)).until(() -> ingest.startProblem() != null);
            assertTrue(ingest.startProblem().startsWith("cannot prepare the state topic"), ingest.startProblem());
        } finally {
            CuttableKafka.restore();
        }
        await().atMost(WAIT).until(() -> live.synced() && ingest.epoch() > epochBefore);
        assertNull(ingest.startProblem(), "started once the broker answered");
    }
}
