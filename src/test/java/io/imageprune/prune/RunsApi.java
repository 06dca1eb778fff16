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

    /** Starts a run (POST /api/v1/runs, answered 202); its id. */
    static String start() throws Exception {
        return MAPPER.readTree(given().post("/api/v1/runs").then().statusCode(202).extract().asString())
                .get("id").asText();
    }

    /** Starts a run; its report once it is no longer RUNNING (waits at most {@code wait}). */
    static JsonNode runToCompletion(Duration wait) throws Exception {
        return awaitEnd(start(), wait);
    }

    /** The run's report once it is no longer RUNNING (waits at most {@code wait}). */
    static JsonNode awaitEnd(String id, Duration wait) throws Exception {
        await().atMost(wait).until(() -> !"RUNNING".equals(report(id).get("state").asText()));
        return report(id);
    }

    static JsonNode report(String id) throws Exception {
        return MAPPER.readTree(given().get("/api/v1/runs/" + id).then().statusCode(200).extract().asString());
    }

    /** A request for a run that the service must refuse with {@code status}; the refusal it answers. */
    static JsonNode refused(int status) throws Exception {
        return MAPPER.readTree(given().post("/api/v1/runs").then().statusCode(status).extract().asString());
    }
}
