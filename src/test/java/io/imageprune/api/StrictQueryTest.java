package io.imageprune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imageprune.options.OptionValues;
import io.imageprune.state.LiveGraph;
import io.imageprune.state.LiveGraphs;
import io.imageprune.testkit.SettingsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REST API reads its query parameters with the one option parser: every lax answer the issue found (a value
 * read as false or as a default, a 404 with no body, a misspelt parameter ignored, {@code dry-run=1} starting a
 * confirmed run) is a 400 naming the parameter, and a plan refused by invalid references is a 422 with its document.
 * The graph is the example cluster (three invalid references), loaded directly: no broker is needed here.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(StrictQueryTest.Settings.class)
class StrictQueryTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path EXAMPLE = Path.of("examples/cluster.json");
    private static final String NOW = "2025-01-15T12:00:00Z";
    private static final Duration WAIT = Duration.ofSeconds(20);

    public static class Settings extends SettingsResource {
        @Override
        protected Map<String, String> settings() {
            // a service configured to confirm: a request that is not exactly a dry run would delete
            return Map.of("imageprune.prune.confirm", "true", "imageprune.api.runs.enabled", "true",
                    "imageprune.api.runs.authenticate", "false");
        }
    }

    @Inject
    LiveGraph live;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "all|yes|\"yes\" is not a boolean (1, t, T, TRUE, true, True, 0, f, F, FALSE, false or False)",
            "all|'TRUE '|\"TRUE \" is not a boolean",
            "prune-over-size-limit|maybe|\"maybe\" is not a boolean",
            "ignore-invalid-refs|on|\"on\" is not a boolean",
            "prune-registry|2|\"2\" is not a boolean",
            "keep-pinned-images|tRUE|\"tRUE\" is not a boolean",
            "oc-exact|yes|\"yes\" is not a boolean",
            "prune-orphan-signatures|maybe|\"maybe\" is not a boolean",
            "keep-tag-revisions|abc|\"abc\" is not an integer",
            "keep-tag-revisions|4294967296|\"4294967296\" is out of range",
            "keep-younger-than|3000000h|\"3000000h\" is not a Go duration such as 90m",
            "keep-younger-than|soon|\"soon\" is not a Go duration such as 90m",
            "now|yesterday|\"yesterday\" is not an RFC 3339 time such as 2025-01-15T12:00:00Z",
            "namespace|Not_A_Namespace|\"Not_A_Namespace\" is not a namespace name"})
    void everyMalformedValueIsA400NamingTheParameter(String parameter, String value, String problem) throws Exception {
        LiveGraphs.syncedWith(live, EXAMPLE);
        for (String path : new String[]{"/api/v1/plan", "/api/v1/plan/summary", "/api/v1/images/sha256:abc/explain"}) {
            RequestSpecification request = given().queryParam(parameter, value);
            JsonNode error = badRequest(parameter.equals("now") ? request : request.queryParam("now", NOW), path);
            assertEquals(parameter, error.get("parameter").asText(), error.toString());
            assertTrue(error.get("error").asText().startsWith("invalid value for " + parameter + ": " + problem),
                    error.toString());
        }
    }

    @Test
    void anEmptyValueIsNotTakenForTrueOrForTheDefault() throws Exception {
        LiveGraphs.syncedWith(live, EXAMPLE);
        JsonNode error = badRequest(given().queryParam("all", ""), "/api/v1/plan");
        assertEquals("invalid value for all: \"\" is not " + OptionValues.BOOLEAN, error.get("error").asText());
        assertEquals("namespace", badRequest(given().queryParam("namespace", ""), "/api/v1/plan")
                .get("parameter").asText(), "an empty namespace is not the whole cluster");
    }

    @Test
    void ocsFlagCombinationRulesNameTheParameter() throws Exception {
        LiveGraphs.syncedWith(live, EXAMPLE);
        JsonNode error = badRequest(given().queryParam("prune-over-size-limit", "1")
                .queryParam("keep-tag-revisions", "1"), "/api/v1/plan");
        assertEquals("prune-over-size-limit", error.get("parameter").asText());
        assertEquals("--prune-over-size-limit cannot be specified with --keep-tag-revisions nor --keep-younger-than",
                error.get("error").asText());
        assertEquals("keep-younger-than", badRequest(given().queryParam("keep-younger-than", "-5m"), "/api/v1/plan")
                .get("parameter").asText());
        JsonNode mode = badRequest(given().queryParam("invalid-refs", "Contain"), "/api/v1/plan");
        assertEquals("invalid value for invalid-refs: \"Contain\" is not stop, contain or ignore",
                mode.get("error").asText());
        JsonNode contradiction = badRequest(given().queryParam("invalid-refs", "stop")
                .queryParam("ignore-invalid-refs", "1"), "/api/v1/plan");
        assertEquals("ignore-invalid-refs", contradiction.get("parameter").asText());
    }

    @Test
    void anUnknownParameterIsA400ListingTheValidOnes() throws Exception {
        LiveGraphs.syncedWith(live, EXAMPLE);
        for (String path : new String[]{"/api/v1/plan", "/api/v1/plan/summary", "/api/v1/images/sha256:abc/explain"}) {
            JsonNode error = badRequest(given().queryParam("keep-tag-revision", "1"), path);
            assertEquals("unknown query parameter \"keep-tag-revision\"; valid parameters: keep-tag-revisions, "
                    + "keep-younger-than, prune-over-size-limit, all, namespace, ignore-invalid-refs, invalid-refs, "
                    + "prune-registry, keep-pinned-images, now, oc-exact, prune-orphan-signatures", error.get("error").asText());
            assertEquals(PlanQuery.PARAMETERS.size(), error.get("validParameters").size());
        }
        JsonNode twice = badRequest(given().queryParam("all", "true").queryParam("all", "false"), "/api/v1/plan");
        assertEquals("all", twice.get("parameter").asText());
    }

    @Test
    void malformedRequestsAre400EvenBeforeTheGraphIsSynced() {
        live.markNotSynced("a test");
        given().queryParam("keep-tag-revisions", "abc").get("/api/v1/plan").then().statusCode(400);
        given().queryParam("keep-tag-revisions", "1").get("/api/v1/plan").then().statusCode(503);
    }

    @Test
    void goBooleansMeanWhatTheyMeanInGo() throws Exception {
        LiveGraphs.syncedWith(live, EXAMPLE);
        String ocDefaults = plan(Map.of("all", "true", "ignore-invalid-refs", "true"));
        assertEquals(ocDefaults, plan(Map.of("all", "1", "ignore-invalid-refs", "T")));
        String managedOnly = plan(Map.of("all", "false", "ignore-invalid-refs", "true"));
        assertEquals(managedOnly, plan(Map.of("all", "0", "ignore-invalid-refs", "True")));
        assertTrue(!ocDefaults.equals(managedOnly), "all changes the example's plan, so the comparison can fail");
    }

    @Test
    void ocExactIsReadByTheOneParserAndWinsOverEveryExtensionSwitch() throws Exception {
        // the example with a Deployment pinning, by digest in another repository, an image oc deletes
        syncedForPlans(EXAMPLE);
        String victim = MAPPER.readTree(freshPlan(Map.of("ignore-invalid-refs", "true"))).get("imageDeletions")
                .get(0).asText();
        ObjectNode list = (ObjectNode) MAPPER.readTree(EXAMPLE.toFile());
        ((ArrayNode) list.get("items")).add(MAPPER.readTree("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
                + "\"metadata\":{\"name\":\"pinner\",\"namespace\":\"edge-cases\",\"creationTimestamp\":"
                + "\"2024-10-29T01:44:30Z\"},\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"registry.example:5000/elsewhere/thing@" + victim + "\"}]}}}}"));
        Path pinned = Files.createTempFile("pinned-example", ".json");
        try {
            MAPPER.writeValue(pinned.toFile(), list);
            syncedForPlans(pinned);
        } finally {
            Files.delete(pinned);
        }
        String extended = freshPlan(Map.of("ignore-invalid-refs", "true"));
        String exact = freshPlan(Map.of("oc-exact", "true", "ignore-invalid-refs", "true"));
        assertTrue(!MAPPER.readTree(extended).get("imageDeletions").toString().contains(victim)
                        && MAPPER.readTree(exact).get("imageDeletions").toString().contains(victim),
                "safety rule 1 keeps the pinned image, oc-exact deletes it: " + victim);
        assertTrue(exact.equals(freshPlan(Map.of("oc-exact", "T", "ignore-invalid-refs", "1"))),
                "oc-exact=T is true");
        assertTrue(exact.equals(freshPlan(Map.of("oc-exact", "1", "keep-pinned-images", "true",
                        "prune-orphan-signatures", "true", "ignore-invalid-refs", "true"))),
                "oc-exact turns off the extensions asked for beside it");
        assertTrue(extended.equals(freshPlan(Map.of("oc-exact", "false", "ignore-invalid-refs", "true"))),
                "oc-exact=false is the configured extensions");
        LiveGraphs.fresh(live);
        assertEquals("PRUNABLE", given().queryParam("now", NOW).queryParam("oc-exact", "true")
                .queryParam("ignore-invalid-refs", "true").get("/api/v1/images/{name}/explain", victim)
                .then().statusCode(200).extract().path("verdict"), "explain reads oc-exact as the plan does");
        LiveGraphs.fresh(live);
        assertEquals("KEPT", given().queryParam("now", NOW).queryParam("ignore-invalid-refs", "true")
                .get("/api/v1/images/{name}/explain", victim).then().statusCode(200).extract().path("verdict"));
    }

    /**
     * The graph holds the snapshot and answers plans: run first in a fresh application, this test can load its graph
     * before the service's own start has finished with it.
     */
    private void syncedForPlans(Path snapshot) {
        await().atMost(WAIT).until(() -> {
            LiveGraphs.syncedWith(live, snapshot);
            return given().queryParam("now", NOW).queryParam("ignore-invalid-refs", "true").get("/api/v1/plan")
                    .statusCode() == 200;
        });
    }

    /** A plan on a graph just marked fresh: each request of this test may outlast the staleness bound. */
    private String freshPlan(Map<String, String> query) {
        LiveGraphs.fresh(live);
        return plan(query);
    }

    @Test
    void invalidReferencesWithoutTheIgnoreOptionAre422WithThePlanDocument() throws Exception {
        LiveGraphs.syncedWith(live, EXAMPLE);
        JsonNode plan = MAPPER.readTree(given().queryParam("now", NOW).get("/api/v1/plan").then().statusCode(422)
                .contentType("application/json").extract().asString());
        assertEquals(3, plan.get("errors").size(), plan.toString());
        for (String planned : new String[]{"imageDeletions", "streamUpdates", "layerLinkDeletions",
                "manifestDeletions", "blobDeletions"}) {
            assertEquals(0, plan.get(planned).size(), planned);
        }
        String image = MAPPER.readTree(plan(Map.of("ignore-invalid-refs", "true"))).get("imageDeletions").get(0)
                .asText();
        JsonNode explained = MAPPER.readTree(given().queryParam("now", NOW)
                .get("/api/v1/images/{name}/explain", image).then().statusCode(422).extract().asString());
        assertEquals("REFUSED", explained.get("stage2").asText(), explained.toString());
        given().queryParam("now", NOW).queryParam("ignore-invalid-refs", "1")
                .get("/api/v1/images/{name}/explain", image).then().statusCode(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "t", "T", "TRUE", "true", "True"})
    void dryRunOneIsADryRunOnAServiceConfiguredToConfirm(String value) throws Exception {
        LiveGraphs.syncedWith(live, null);
        JsonNode run = MAPPER.readTree(given().queryParam("dry-run", value).post("/api/v1/runs").then()
                .statusCode(202).extract().asString());
        assertTrue(run.get("dryRun").asBoolean(), run.toString());
        String id = run.get("id").asText();
        await().atMost(WAIT).until(() -> !given().get("/api/v1/runs/{id}", id).then().extract().path("state")
                .equals("RUNNING"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "on", "2", "", "TRUE ", "tRUE", "dry"})
    void aDryRunThatIsNotParseBoolIsA400AndNeverARun(String value) throws Exception {
        LiveGraphs.syncedWith(live, null);
        int runs = given().get("/api/v1/runs").then().statusCode(200).extract().jsonPath().getList("$").size();
        JsonNode error = MAPPER.readTree(given().queryParam("dry-run", value).post("/api/v1/runs").then()
                .statusCode(400).extract().asString());
        assertEquals("dry-run", error.get("parameter").asText());
        assertEquals("invalid value for dry-run: \"" + value + "\" is not " + OptionValues.BOOLEAN,
                error.get("error").asText());
        assertEquals("dry-run", badRequestPost(given().queryParam("dryrun", "true")).get("validParameters").get(0)
                .asText());
        assertEquals(runs, given().get("/api/v1/runs").then().extract().jsonPath().getList("$").size(),
                "no run was started or refused");
    }

    private static String plan(Map<String, String> query) {
        return given().queryParam("now", NOW).queryParams(query).get("/api/v1/plan").then().statusCode(200)
                .extract().asString();
    }

    private static JsonNode badRequest(RequestSpecification request, String path) throws Exception {
        return MAPPER.readTree(request.get(path).then().statusCode(400).contentType("application/json")
                .extract().asString());
    }

    private static JsonNode badRequestPost(RequestSpecification request) throws Exception {
        return MAPPER.readTree(request.post("/api/v1/runs").then().statusCode(400).extract().asString());
    }
}
