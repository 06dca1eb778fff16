package io.imageprune.bench;

import io.imageprune.document.PlanJson;
import io.imageprune.cli.SnapshotGraphs;
import io.imageprune.execute.LedgerPlanSummary;
import io.imageprune.execute.PlanSummary;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Latency of what the plan endpoints compute on a graph loaded from a snapshot, without HTTP or Quarkus:
 * <ul>
 *     <li>{@code plan summary}: what {@code GET /api/v1/plan/summary} computes under the live graph's read lock,
 *     {@link PlanSummary#of(Planner)} (the numbers straight from the stage plans; its response is a small document);
 *     </li>
 *     <li>{@code plan summary via the dry run}: the reference, the summary as it was computed before, from a dry run's
 *     ledger ({@code PruneExecutor.dryRun} and {@link LedgerPlanSummary});</li>
 *     <li>{@code plan document}: what {@code GET /api/v1/plan} does, the dry run under the lock and then the whole
 *     {@code plan -o json} document written (here to a writer that drops it).</li>
 * </ul>
 * Warm-up, then samples timed on the wall clock and in the thread's CPU time, with the error bars of
 * {@link ReplanBench.Stats}. The measures take turns within each round, so that a change of the machine's load
 * weighs on each alike. The options are the generator's ({@link ReplanBench#NOW}, keep-younger-than 60m,
 * keep-tag-revisions 3, invalid references ignored).
 *
 * <pre>SummaryBench FILE [--warmup N] [--samples N]</pre>
 */
public final class SummaryBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final ReferenceGraph graph;
    private final PruneOptions options;
    /** keeps the results alive so that the JIT cannot drop the work */
    long sink;
    private PruneResult decided;

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
        PlanSummary summary = bench.summary();
        System.out.println("summary: " + summary.totals());
        System.out.println("the same as via the dry run: " + summary.equals(bench.summaryViaDryRun()));
    }

    /** What {@code GET /api/v1/plan/summary} computes. */
    PlanSummary summary() {
        return PlanSummary.of(Planner.of(graph, options));
    }

    /** The summary as computed before: a dry run, then its ledger counted. */
    PlanSummary summaryViaDryRun() {
        return LedgerPlanSummary.of(PruneExecutor.dryRun(Planner.of(graph, options)));
    }

    /** What {@code GET /api/v1/plan} computes and writes: the number of characters of the document. */
    long planDocument() {
        PruneResult result = decide();
        CountingWriter out = new CountingWriter();
        PlanJson.write(result, List.of(), out);
        return out.chars;
    }

    /** What the endpoint decides under the graph's read lock. */
    private PruneResult decide() {
        return PruneExecutor.dryRun(Planner.of(graph, options));
    }

    private long decidedDocument() {
        if (decided == null) {
            decided = decide();
        }
        CountingWriter out = new CountingWriter();
        PlanJson.write(decided, List.of(), out);
        return out.chars;
    }

    String measure(int warmup, int samples) {
        List<Measure> measures = List.of(
                new Measure("plan summary", bench -> bench.summary().totals().images()),
                new Measure("plan summary via the dry run (before)",
                        bench -> bench.summaryViaDryRun().totals().images()),
                new Measure("plan document (dry run + JSON)", SummaryBench::planDocument),
                new Measure("  of it deciding (under the read lock)", bench -> bench.decide().imageDeletions().size()),
                new Measure("  of it the JSON of a decided plan", SummaryBench::decidedDocument));
        for (int i = 0; i < warmup; i++) {
            measures.forEach(m -> sink += m.work.applyAsLong(this));
        }
        for (Measure m : measures) {
            m.start(samples);
        }
        for (int i = 0; i < samples; i++) {
            for (Measure m : measures) {
                m.sample(this, i);
            }
        }
        List<String> lines = new ArrayList<>();
        measures.forEach(m -> lines.add(m.describe()));
        return String.join(System.lineSeparator(), lines);
    }

    /** One measured computation, its samples and the share of its wall time the thread ran. */
    private static final class Measure {
        final String name;
        final ToLongFunction<SummaryBench> work;
        long[] wall;
        long[] cpu;

        Measure(String name, ToLongFunction<SummaryBench> work) {
            this.name = name;
            this.work = work;
        }

        void start(int samples) {
            wall = new long[samples];
            cpu = new long[samples];
        }

        void sample(SummaryBench bench, int i) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            bench.sink += work.applyAsLong(bench);
            wall[i] = System.nanoTime() - t0;
            cpu[i] = THREADS.getCurrentThreadCpuTime() - c0;
        }

        String describe() {
            double ran = 100.0 * Arrays.stream(cpu).sum() / Math.max(1, Arrays.stream(wall).sum());
            return ReplanBench.Stats.of(wall).describe(name + " [wall]") + System.lineSeparator()
                    + ReplanBench.Stats.of(cpu).describe(name + " [cpu]") + String.format(Locale.ROOT,
                    "%n%-47s the thread ran %.0f%% of the wall time", "", ran);
        }
    }

    /** Drops what is written and counts it: the document is produced in full, but not kept. */
    private static final class CountingWriter extends Writer {
        long chars;

        @Override
        public void write(char[] buffer, int offset, int length) {
            chars += length;
        }

        @Override
        public void write(String text, int offset, int length) {
            chars += length;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
