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

/** The smoke form of the summary benchmark: its measures run on a small generated graph and plan something. */
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
        for (String measure : new String[] {"plan summary", "plan summary via the dry run \\(before\\)",
                "plan document \\(dry run \\+ JSON\\)", "of it deciding \\(under the read lock\\)",
                "of it the JSON of a decided plan"}) {
            assertTrue(figures.matches("(?s).*" + measure + " \\[wall] +n=3 .*" + measure + " \\[cpu] +n=3 .*"),
                    measure + " in " + figures);
        }
        assertTrue(bench.sink > 0, "the summaries counted deleted images");
        assertTrue(bench.summary().totals().tagRevisions() > 0, "the plan prunes revisions");
        assertEquals(bench.summaryViaDryRun(), bench.summary(), "both ways count the same plan");
        assertTrue(bench.planDocument() > 0, "the document was written");
    }
}
