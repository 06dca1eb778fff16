package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** Runs started and followed through {@code /api/v1/runs}, as an operator would. */
final class RunsApi {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RunsApi() {
    }

    /** Starts a run (POST /api/v1/runs); its report once it is no longer RUNNING (waits at most {@code wait}). */
    static JsonNode runToCompletion(Duration wait) throws Exception {
        String id = MAPPER.readTree(given().post("/api/v1/runs").then().statusCode(202).extract().asString())
                .get("id").asText();
        await().atMost(wait).until(() -> !"RUNNING".equals(report(id).get("state").asText()));
        return report(id);
    }

    static JsonNode report(String id) throws Exception {
        return MAPPER.readTree(given().get("/api/v1/runs/" + id).then().statusCode(200).extract().asString());
    }
}
