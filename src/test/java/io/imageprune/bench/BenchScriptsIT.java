package io.imageprune.bench;

import io.imageprune.pipeline.InProcessKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The smoke form of the benchmark scripts: each runs as a user runs it, on the packaged jar, at the tiny size, and
 * must print its whole table; a failure (a generator that fails, a broker that is not there) must reach the terminal.
 * Timings are printed, never asserted: a slow machine does not fail the build, a broken benchmark does.
 */
class BenchScriptsIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    /** seconds on an idle machine; a loaded build machine starts JVMs and the broker far slower */
    private static final long TIMEOUT_MINUTES = 10;

    @TempDir
    Path out;

    @Test
    void planScriptPrintsItsTableWithTheFloorAndOcsFigures() throws Exception {
        Result r = run(Map.of("SIZE", "tiny", "RUNS", "1"), "bench/plan-xlarge.sh", out.toString());
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.stdout.contains("===== plan benchmark, tiny"), r.toString());
        for (String row : new String[] {"| plan -o json, whole process", "| floor: cat of the file to /dev/null",
                "| floor: a bare JVM start", "| oc adm prune images"}) {
            assertTrue(r.stdout.contains(row), "row " + row + " in\n" + r);
        }
        assertTrue(r.stdout.matches("(?s).*plan: \\{.*imageDeletions=\\d+.*bytesReclaimable=\\d+.*"), r.toString());
        // the generator's statistics reached the terminal too
        assertTrue(r.stderr.contains("\"Image\": 72"), r.toString());
    }

    @Test
    void extensionsScriptPrintsOneRowPerVariant() throws Exception {
        Result r = run(Map.of("SIZE", "tiny", "RUNS", "1"), "bench/extensions.sh", out.toString());
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.stdout.contains("===== issue 12's extensions, tiny"), r.toString());
        for (String variant : ExtensionsBench.variants().keySet()) {
            assertTrue(r.stdout.contains("| " + variant + " "), "row " + variant + " in\n" + r);
        }
        assertTrue(r.stdout.contains("\"extensions\": {"), "the generator's extension counts\n" + r);
    }

    @Test
    void aFailingGeneratorIsReportedOnTheTerminal() throws Exception {
        Result r = run(Map.of("SIZE", "no-such-size", "RUNS", "1"), "bench/plan-xlarge.sh", out.toString());
        assertNotEquals(0, r.exit, r.toString());
        assertTrue(r.stderr.contains("unknown size 'no-such-size'"), r.toString());
        assertTrue(r.stderr.contains("no cluster to plan"), r.toString());
        assertTrue(!Files.exists(out.resolve("no-such-size-seed1.json")), "no half-written cluster is cached");
    }

    @Test
    void replanScriptPrintsTheTargetedPassBesideTheWholeGraphOneAndTheSummary() throws Exception {
        Result r = run(Map.of("SIZE", "tiny", "SAMPLES", "20", "WARMUP", "5", "SUMMARY_SAMPLES", "2"),
                "bench/replan.sh", out.toString());
        assertEquals(0, r.exit, r.toString());
        for (String row : new String[] {"pod deleted [cpu]", "new tag revision [cpu]",
                "pod deleted, whole-graph stage 2 [cpu]", "plan summary [cpu]", "the graph's digest index"}) {
            assertTrue(r.stdout.contains(row), "row " + row + " in\n" + r);
        }
    }

    @Test
    void replayScriptPrintsItsTableWithConsumerPerformance() throws Exception {
        InProcessKafka kafka = new InProcessKafka();
        String bootstrap = kafka.start().get("kafka.bootstrap.servers");
        try {
            Result r = run(Map.of("SIZE", "tiny", "PLAN_RUNS", "1", "HTTP_PORT", Integer.toString(freePort()),
                    "KAFKA_BOOTSTRAP_SERVERS", bootstrap), "bench/replay-xlarge.sh", out.toString());
            assertEquals(0, r.exit, r.toString());
            assertTrue(r.stdout.contains("===== replay benchmark, tiny"), r.toString());
            for (String row : new String[] {"| publish of the snapshot", "| service start → synced",
                    "| state replay apply rate", "| heap after a full GC", "| GET /api/v1/plan (live graph)"}) {
                assertTrue(r.stdout.contains(row), "row " + row + " in\n" + r);
            }
            assertTrue(r.stdout.matches("(?s).*ConsumerPerformance \\d+ records/s.*"), r.toString());
        } finally {
            kafka.stop();
        }
    }

    @Test
    void memoryScriptPrintsARowPerSize() throws Exception {
        InProcessKafka kafka = new InProcessKafka();
        String bootstrap = kafka.start().get("kafka.bootstrap.servers");
        try {
            Result r = run(Map.of("SIZES", "tiny", "HTTP_PORT", Integer.toString(freePort()),
                    "KAFKA_BOOTSTRAP_SERVERS", bootstrap), "bench/memory.sh", out.toString());
            assertEquals(0, r.exit, r.toString());
            assertTrue(r.stdout.contains("===== memory benchmark, sizes: tiny"), r.toString());
            // the tiny cluster's 72 images, its object count, a heap figure and two RSS figures
            assertTrue(r.stdout.matches("(?s).*\\| 72 \\| \\d+ \\| \\d+K \\| \\d+ MiB \\| \\d+ MiB \\|.*"), r.toString());
        } finally {
            kafka.stop();
        }
    }

    @Test
    void aMissingBrokerIsReportedOnTheTerminal() throws Exception {
        Result r = run(Map.of("SIZE", "tiny", "PLAN_RUNS", "1", "HTTP_PORT", Integer.toString(freePort()),
                        "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + freePort(),
                        // fail within seconds, not the clients' default minute
                        "KAFKA_DEFAULT_API_TIMEOUT_MS", "5000", "KAFKA_REQUEST_TIMEOUT_MS", "3000"),
                "bench/replay-xlarge.sh", out.toString());
        assertNotEquals(0, r.exit, r.toString());
        assertTrue(r.stderr.contains("bench/replay-xlarge.sh: publish failed"), r.toString());
    }

    private record Result(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        File stdout = out.resolve("script.out").toFile();
        File stderr = out.resolve("script.err").toFile();
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectOutput(stdout).redirectError(stderr);
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(command[0] + " did not end within " + TIMEOUT_MINUTES + " minutes\n--- stdout\n"
                    + Files.readString(stdout.toPath(), StandardCharsets.UTF_8) + "\n--- stderr\n"
                    + Files.readString(stderr.toPath(), StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(stdout.toPath(), StandardCharsets.UTF_8),
                Files.readString(stderr.toPath(), StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
