package io.imageprune.api;

import io.imageprune.state.LiveGraph;
import io.imageprune.state.LiveGraphs;
import io.imageprune.testkit.SettingsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Latency of {@code GET /api/v1/plan/summary} and {@code GET /api/v1/plan} on a big live graph (issue 11: the summary
 * in ≤ 1 s; the plan's status known once decided, the document streamed after). Skipped unless (not under
 * imageprune.*: that prefix is the service's validated configuration)
 * {@code -Dplanbench.snapshot=/path/to/xlarge.json} (e.g. from {@code gen_cluster.py --size xlarge --seed 1
 * --format list}); {@code -Dplanbench.now} is the snapshot's "now" (default 2025-01-15T12:00:00Z), e.g.
 * {@code ./mvnw -B -o test -Dtest=PlanEndpointBenchTest -Dplanbench.snapshot=/tmp/xlarge.json
 * -DargLine=-Xmx3g}. Results go to stdout (target/surefire-reports/*-output.txt): wall time, and the process's CPU
 * time over the request, which other load on the machine disturbs less.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(PlanEndpointBenchTest.Settings.class)
@EnabledIfSystemProperty(named = "planbench.snapshot", matches = ".+")
class PlanEndpointBenchTest {
    private static final int ROUNDS = 3;

    /** No consumer keeps this graph fresh: a long pause (GC after loading it) must not make it stale mid-measure. */
    public static class Settings extends SettingsResource {
        @Override
        protected Map<String, String> settings() {
            return Map.of("imageprune.state.max-staleness", "1h");
        }
    }

    @Inject
    LiveGraph live;

    @Test
    void summaryAndPlanOnABigGraph() throws Exception {
        long start = System.nanoTime();
        LiveGraphs.syncedWith(live, Path.of(System.getProperty("planbench.snapshot")));
        report("loaded %s in %d ms: %s", System.getProperty("planbench.snapshot"),
                (System.nanoTime() - start) / 1_000_000, live.objectsPerKind());
        String query = "?ignore-invalid-refs=true&now=" + System.getProperty("planbench.now",
                "2025-01-15T12:00:00Z");
        HttpClient client = HttpClient.newHttpClient();
        for (int round = 1; round <= ROUNDS; round++) {
            measure(client, round, "/api/v1/plan/summary" + query);
            measure(client, round, "/api/v1/plan" + query);
        }
    }

    private void measure(HttpClient client, int round, String path) throws Exception {
        LiveGraphs.fresh(live);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + RestAssured.port + path)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long headers = System.nanoTime();
        long bytes;
        try (InputStream body = response.body()) {
            bytes = body.transferTo(java.io.OutputStream.nullOutputStream());
        }
        long end = System.nanoTime();
        assertEquals(200, response.statusCode(), path + " (the body was read to its end)");
        report("round %d %s: status %d after %d ms, %,d bytes after %d ms, process CPU %d ms", round, path,
                response.statusCode(), (headers - start) / 1_000_000, bytes, (end - start) / 1_000_000,
                (os.getProcessCpuTime() - cpu) / 1_000_000);
    }

    private static void report(String format, Object... args) {
        System.out.println("[plan-bench] " + String.format(format, args));
    }
}
