package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan of the live graph as {@code GET /api/v1/plan} shows it. */
final class LivePlan {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LivePlan() {
    }

    /** The images the plan deletes now. */
    static Set<String> imageDeletions() throws Exception {
        JsonNode plan = MAPPER.readTree(given().get("/api/v1/plan").then().statusCode(200).extract().asString());
        Set<String> deleted = new HashSet<>();
        plan.get("imageDeletions").forEach(i -> deleted.add(i.isTextual() ? i.asText() : i.get("image").asText()));
        return deleted;
    }

    /** As {@link #awaitDeletes(Duration, Set, Set)}, with nothing that must be kept. */
    static void awaitDeletes(Duration wait, Set<String> deleted) {
        awaitDeletes(wait, deleted, Set.of());
    }

    /**
     * Waits at most {@code wait} until the plan deletes {@code deleted} and none of {@code kept}: the objects have
     * travelled through Kafka into the live graph.
     */
    static void awaitDeletes(Duration wait, Set<String> deleted, Set<String> kept) {
        await().atMost(wait).untilAsserted(() -> {
            Set<String> planned = imageDeletions();
            assertTrue(planned.containsAll(deleted), "plan deletes " + planned);
            for (String image : kept) {
                assertFalse(planned.contains(image), "plan keeps " + image + ": " + planned);
            }
        });
    }
}
