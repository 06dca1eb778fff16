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

/** The smoke form of the summary benchmark: its measure runs on a small generated graph and plans something. */
class SummaryBenchTest {
    @TempDir
    Path dir;

    @Test
    void theSummaryIsMeasuredAndCountsDeletions() throws Exception {
        Path file = dir.resolve("small.json");
        assertEquals(0, GenerateCluster.run(new String[] {"--size", "small", "--out", file.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        SummaryBench bench = new SummaryBench(SnapshotGraphs.load(file, ""));
        String figures = bench.measure(1, 3);
        assertTrue(figures.matches("(?s).*\\[wall] +n=3 .*\\[cpu] +n=3 .*p99.*"), figures);
        assertTrue(bench.sink > 0, "the summaries counted deleted images");
        assertTrue(bench.summary().totals().tagRevisions() > 0, "the plan prunes revisions");
    }
}
