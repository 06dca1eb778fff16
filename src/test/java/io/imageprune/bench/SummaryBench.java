package io.imageprune.bench;

import io.imageprune.cli.SnapshotGraphs;
import io.imageprune.execute.PlanSummary;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Latency of what {@code GET /api/v1/plan/summary} computes under the live graph's read lock — the dry run of the
 * whole-graph plan ({@code PruneExecutor.dryRun}) and its numbers ({@link PlanSummary#of}) — on a graph loaded from
 * a snapshot, without HTTP (whose part is a small JSON document) or Quarkus: warm-up, then samples timed on the wall
 * clock and in the thread's CPU time, with the error bars of {@link ReplanBench.Stats}. The options are the
 * generator's ({@link ReplanBench#NOW}, keep-younger-than 60m, keep-tag-revisions 3, invalid references ignored).
 *
 * <pre>SummaryBench FILE [--warmup N] [--samples N]</pre>
 */
public final class SummaryBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final ReferenceGraph graph;
    private final PruneOptions options;
    /** keeps the results alive so that the JIT cannot drop the work */
    long sink;

    SummaryBench(ReferenceGraph graph) {
        this.graph = graph;
        this.options = PruneOptions.library(ReplanBench.NOW, ReplanBench.KEEP_YOUNGER_THAN, 3, null, true, true, "",
                true, true);
    }

    public static void main(String[] args) throws IOException {
        int warmup = 3;
        int samples = 10;
        for (int i = 1; i < args.length; i += 2) {
            switch (args[i]) {
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--samples" -> samples = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        long start = System.nanoTime();
        SummaryBench bench = new SummaryBench(SnapshotGraphs.load(Path.of(args[0]), ""));
        System.out.printf(Locale.ROOT, "graph: %d images, %d streams, %d referrers, loaded in %.1f s%n",
                bench.graph.imageCount(), bench.graph.streamCount(), bench.graph.referrerCount(),
                (System.nanoTime() - start) / 1e9);
        System.out.println(bench.measure(warmup, samples));
        System.out.println("summary: " + bench.summary().totals());
    }

    PlanSummary summary() {
        PruneResult result = PruneExecutor.dryRun(Planner.of(graph, options));
        return PlanSummary.of(result);
    }

    String measure(int warmup, int samples) {
        for (int i = 0; i < warmup; i++) {
            sink += summary().totals().images();
        }
        long[] wall = new long[samples];
        long[] cpu = new long[samples];
        for (int i = 0; i < samples; i++) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            sink += summary().totals().images();
            wall[i] = System.nanoTime() - t0;
            cpu[i] = THREADS.getCurrentThreadCpuTime() - c0;
        }
        return ReplanBench.Stats.of(wall).describe("plan summary [wall]") + System.lineSeparator()
                + ReplanBench.Stats.of(cpu).describe("plan summary [cpu]");
    }
}
