package io.imageprune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.state.LiveGraph;
import io.imageprune.testkit.SettingsResource;
import io.imageprune.testkit.TestTools;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status page at {@code /} in a real headless browser (Debian's chromium driven by playwright-core, both
 * installed when missing): against a service synced with the example cluster (mock API → ingest → Kafka → graph) and
 * after one dry run, the page shows the graph synced, the example's reclaimable bytes in total and per namespace (as
 * this test computes them from the plan document and the example's layer sizes), the run with its outcome, and
 * explains an image a running pod uses as kept. The screenshot is {@code target/status-page.png}.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(InProcessKafka.class)
@WithTestResource(StatusPageBrowserTest.Settings.class)
class StatusPageBrowserTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path EXAMPLE = Path.of("examples/cluster.json");
    private static final Path BROWSER_SOURCES = Path.of("src/test/browser");
    private static final Path BROWSER_WORK = Path.of("target/browser");
    private static final Path SCREENSHOT = Path.of("target/status-page.png");
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int CHART_NAMESPACES = 15;

    /**
     * The page shows the configured plan: every object old enough at once (the mock API stamps creation times with
     * the present), the example's three invalid references ignored; dry runs on request only.
     */
    public static class Settings extends SettingsResource {
        @Override
        protected Map<String, String> settings() {
            return Map.of("imageprune.plan.keep-younger-than", "0s", "imageprune.plan.ignore-invalid-refs", "true",
                    "imageprune.prune.event-driven", "false", "imageprune.api.runs.enabled", "true",
                    "imageprune.api.runs.authenticate", "false");
        }
    }

    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    LiveGraph live;

    @Test
    void thePageShowsTheExampleClusterAndExplainsAnImage() throws Exception {
        Path chromium = TestTools.require("chromium", "chromium");
        assertEquals(Path.of("/usr/bin/chromium"), chromium, "the driver launches /usr/bin/chromium");
        TestTools.require("npm", "npm");
        installDriver();

        JsonNode example = MAPPER.readTree(EXAMPLE.toFile());
        int images = 0;
        await().atMost(WAIT).until(live::synced);
        OpenShiftClient client = server.getClient().adapt(OpenShiftClient.class);
        for (JsonNode item : example.get("items")) {
            HasMetadata object = client.getKubernetesSerialization().unmarshal(item.toString());
            client.resource(object).create();
            images += item.get("kind").asText().equals("Image") ? 1 : 0;
        }
        int exampleImages = images;
        await().atMost(WAIT).until(() -> live.synced() && live.lag() == 0
                && live.read(g -> g.imageCount()) == exampleImages);

        String run = MAPPER.readTree(given().queryParam("dry-run", "true").post("/api/v1/runs").then()
                .statusCode(202).extract().asString()).get("id").asText();
        await().atMost(WAIT).until(() -> !MAPPER.readTree(given().get("/api/v1/runs/" + run).asString())
                .get("state").asText().equals("RUNNING"));

        JsonNode plan = MAPPER.readTree(given().get("/api/v1/plan").then().statusCode(200).extract().asString());
        JsonNode expected = PlanNumbers.summary(plan, PlanNumbers.layerSizes(EXAMPLE));
        String pod = runningPodUsingAnImageByDigest(example);
        String image = pod.substring(pod.indexOf(' ') + 1);

        // the ingest writes a heartbeat marker every 10 s: a page read while one is in flight shows lag 1, truly;
        // the page is read again (at most three times) until it shows the graph caught up
        JsonNode seen = null;
        for (int attempt = 0; attempt < 3 && (seen == null || seen.get("lag").asLong() != 0); attempt++) {
            seen = readThePage(image);
        }

        assertEquals(200, seen.get("status").asInt(), seen.toString());
        assertEquals(0, seen.get("consoleErrors").size(), "errors in the page: " + seen.get("consoleErrors"));
        assertEquals("synced", seen.get("badge").asText());
        assertEquals(0, seen.get("lag").asLong());
        assertEquals(exampleImages, seen.get("images").asInt());
        assertTrue(seen.get("planProblem").isNull(), seen.toString());
        long totalBytes = expected.at("/totals/bytesReclaimable").asLong();
        assertTrue(totalBytes > 0, "the example reclaims bytes, so the comparison can fail");
        assertEquals(totalBytes, seen.get("totalBytes").asLong());
        assertEquals(expected.at("/totals/images").asText(), seen.get("totalImages").asText());

        Map<String, Long> bytesPerNamespace = new HashMap<>();
        expected.get("namespaces").forEach(n -> bytesPerNamespace.put(n.get("namespace").asText(),
                n.get("bytes").asLong()));
        if (expected.at("/unattributed/images").asInt() > 0 || expected.at("/unattributed/bytes").asLong() > 0) {
            bytesPerNamespace.put("(images in no pruned stream)", expected.at("/unattributed/bytes").asLong());
        }
        JsonNode bars = seen.get("bars");
        assertEquals(Math.min(CHART_NAMESPACES, bytesPerNamespace.size()), bars.size(), bars.toString());
        long previous = Long.MAX_VALUE;
        for (JsonNode bar : bars) {
            String namespace = bar.get("namespace").asText();
            assertEquals(bytesPerNamespace.get(namespace), bar.get("bytes").asLong(), "bytes of " + namespace);
            assertTrue(bar.get("bytes").asLong() <= previous, "the largest first: " + bars);
            previous = bar.get("bytes").asLong();
        }

        JsonNode runRow = null;
        for (JsonNode row : seen.get("runs")) {
            runRow = row.get("id").asText().equals(run) ? row : runRow;
        }
        assertTrue(runRow != null, "run " + run + " is listed: " + seen.get("runs"));
        assertEquals("SUCCEEDED", runRow.get("cells").get(2).asText(), runRow.toString());
        assertEquals("yes", runRow.get("cells").get(3).asText(), "a dry run");
        assertEquals(totalBytes, runRow.get("bytes").asLong(), "the dry run reclaims what the plan says");

        assertEquals("KEPT", seen.at("/explanation/verdict").asText(), seen.get("explanation").toString());
        String podName = pod.substring(0, pod.indexOf(' '));
        assertTrue(seen.at("/explanation/text").asText().contains(podName),
                "the explanation names the pod that uses the image: " + seen.get("explanation"));
        assertTrue(Files.size(SCREENSHOT) > 10_000, "a screenshot of the page");
    }

    /** {@code "<namespace>/<pod> <image digest>"} of a running pod of the example that names its image by digest. */
    /** One run of the browser driver against the page: what it saw, as its last JSON line. */
    private static JsonNode readThePage(String image) throws Exception {
        Path profile = Files.createTempDirectory(BROWSER_WORK, "chromium-profile-");
        Files.deleteIfExists(SCREENSHOT);
        String output = TestTools.run("the browser test", BROWSER_WORK, WAIT.multipliedBy(2), "node",
                "status-page.mjs", "http://localhost:" + RestAssured.port + "/", image,
                SCREENSHOT.toAbsolutePath().toString(), profile.toAbsolutePath().toString());
        return MAPPER.readTree(output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("the driver printed no result: " + output)));
    }

    private static String runningPodUsingAnImageByDigest(JsonNode example) {
        for (JsonNode item : example.get("items")) {
            if (item.get("kind").asText().equals("Pod") && "Running".equals(item.at("/status/phase").asText())) {
                for (JsonNode container : item.at("/spec/containers")) {
                    String reference = container.get("image").asText();
                    int at = reference.indexOf("@sha256:");
                    if (at > 0) {
                        return item.at("/metadata/namespace").asText() + "/" + item.at("/metadata/name").asText()
                                + " " + reference.substring(at + 1);
                    }
                }
            }
        }
        throw new AssertionError("the example has no running pod naming its image by digest");
    }

    /** playwright-core from the lockfile, installed under target/ (never in the sources or the service). */
    private static void installDriver() throws Exception {
        Files.createDirectories(BROWSER_WORK);
        for (String file : new String[]{"package.json", "package-lock.json", "status-page.mjs"}) {
            Files.copy(BROWSER_SOURCES.resolve(file), BROWSER_WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(BROWSER_WORK.resolve("node_modules/playwright-core"))) {
            TestTools.run("npm ci (playwright-core)", BROWSER_WORK, Duration.ofMinutes(5), "npm", "ci",
                    "--ignore-scripts", "--no-audit", "--no-fund");
        }
    }
}
