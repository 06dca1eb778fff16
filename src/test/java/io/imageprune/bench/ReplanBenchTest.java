package io.imageprune.bench;

import io.imageprune.cli.SnapshotGraphs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The smoke form of the re-plan benchmark: its events and its targeted pass run on a small generated graph. */
class ReplanBenchTest {
    @TempDir
    Path dir;

    @Test
    void eachEventIsAppliedPlannedAndUndone() throws Exception {
        Path file = dir.resolve("small.json");
        assertEquals(0, GenerateCluster.run(new String[] {"--size", "small", "--out", file.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        ReplanBench bench = new ReplanBench(SnapshotGraphs.load(file, ""));
        String counts = bench.graphCounts();
        String pods = bench.measure("pod deleted", bench::podDeleted, 5, 20);
        String revisions = bench.measure("new tag revision", bench::newRevision, 5, 20);
        assertTrue(pods.matches("(?s).*\\[wall] +n=20 .*\\[cpu] +n=20 .*p99.*"), pods);
        assertTrue(revisions.matches("(?s).*\\[wall] +n=20 .*\\[cpu] +n=20 .*p99.*"), revisions);
        bench.wholeGraphStageTwo = true;
        String before = bench.measure("pod deleted, whole-graph stage 2", bench::podDeleted, 1, 3);
        assertTrue(before.matches("(?s).*\\[cpu] +n=3 .*"), before);
        assertTrue(bench.sink > 0, "the targeted passes planned something");
        assertEquals(counts, bench.graphCounts(), "every event undone");
    }
}
