package io.imageprune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageprune.state.LiveGraph;
import io.imageprune.state.LiveGraphs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/v1/plan/summary} on the example cluster: its numbers recomputed here from the full plan document
 * and the layer sizes in the cluster file, for the same options; refused plans are a 422 as for the document.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class PlanSummaryTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path EXAMPLE = Path.of("examples/cluster.json");
    private static final String NOW = "2025-01-15T12:00:00Z";

    @Inject
    LiveGraph live;

    @Test
    void theSummaryCountsWhatThePlanDocumentLists() throws Exception {
        LiveGraphs.syncedWith(live, EXAMPLE);
        for (Map<String, String> options : new Map[]{Map.of("ignore-invalid-refs", "true"),
                Map.of("ignore-invalid-refs", "true", "keep-tag-revisions", "1", "all", "false")}) {
            JsonNode plan = get("/api/v1/plan", options, 200);
            JsonNode summary = get("/api/v1/plan/summary", options, 200);
            // as text: the same fields in the same order with the same values (numbers compare by value, not by type)
            assertEquals(PlanNumbers.summary(plan, PlanNumbers.layerSizes(EXAMPLE)).toPrettyString(),
                    summary.toPrettyString(), "options " + options);
        }
    }

    @Test
    void aRefusedPlanIsA422WithTheErrorsAndNothingCounted() throws Exception {
        LiveGraphs.syncedWith(live, EXAMPLE);
        JsonNode summary = get("/api/v1/plan/summary", Map.of(), 422);
        assertTrue(summary.get("refused").asBoolean());
        assertEquals(get("/api/v1/plan", Map.of(), 422).get("errors"), summary.get("errors"));
        assertEquals(0, summary.get("totals").get("images").asInt());
        assertEquals(0, summary.get("namespaces").size());
    }

    @Test
    void notSyncedIsA503WhileTheStatusPageAndStatusAnswer() {
        live.markNotSynced("a test");
        given().get("/api/v1/plan/summary").then().statusCode(503);
        // the page and what it reads first are what an operator opens when the graph is not synced
        given().get("/").then().statusCode(200).contentType("text/html");
        given().get("/status.js").then().statusCode(200);
        given().get("/api/v1/status").then().statusCode(200);
    }

    private JsonNode get(String path, Map<String, String> options, int status) throws Exception {
        LiveGraphs.fresh(live);
        var request = given().queryParam("now", NOW);
        options.forEach(request::queryParam);
        return MAPPER.readTree(request.get(path).then().statusCode(status).contentType("application/json")
                .extract().asString());
    }
}
