package io.imageprune.bench;

import io.imageprune.cli.SnapshotGraphs;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.graph.ReferrerEntry;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.policy.Eligibility;
import io.imageprune.policy.ImageStage;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.policy.StreamStage;
import io.imageprune.prune.RunTargets;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Latency of a targeted re-plan after one event on a big graph, with warm-up and error bars (a JMH-style harness in
 * plain Java: the event must be applied to the graph and undone around each sample, which JMH's per-invocation setup
 * would distort at this scale). One sample: apply the event to the graph, ask {@link Eligibility} what it makes due
 * (the event-driven trigger's input), then plan those targets as a targeted pass does (stage 1 on the due streams,
 * stage 2 on the due images plus the ones stage 1 releases, as {@code PruneRunner.planStage1}); undone outside the
 * clock. Events: a running pod deleted; a stream's tag given a new revision.
 *
 * <p>Each sample is timed on the wall clock and in the sampling thread's CPU time: on a machine shared with other
 * work the wall clock also counts the time the thread waited for a core, the CPU time does not. The same run then
 * measures, with fewer samples, the same events planned with a whole-graph stage 2 ({@code planImages(overrides)},
 * every image decided): what a targeted pass cost before it started from its targets (issue 11), for a before/after
 * from one run on one machine state.
 *
 * <pre>ReplanBench FILE [--warmup N] [--samples N] [--whole-graph-samples N]</pre>
 */
public final class ReplanBench {
    static final Instant NOW = Instant.parse("2025-01-15T12:00:00Z");
    static final Duration KEEP_YOUNGER_THAN = Duration.ofMinutes(60);
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private final ReferenceGraph graph;
    private final PruneOptions options;
    private final SplittableRandom random = new SplittableRandom(1);
    private final List<Referrer> pods = new ArrayList<>();
    private final List<ImageStream> streams = new ArrayList<>();
    private final List<String> images = new ArrayList<>();
    /** keeps the planner's result alive so that the JIT cannot drop the work */
    long sink;
    /** the thread CPU time of the last sample's measured part */
    private long lastCpuNanos;
    /** the next samples plan stage 2 over the whole graph (the cost before targeted stage 2) */
    boolean wholeGraphStageTwo;

    ReplanBench(ReferenceGraph graph) {
        this.graph = graph;
        this.options = PruneOptions.library(NOW, KEEP_YOUNGER_THAN, 3, null, true, true, "", true, true);
        for (ReferrerEntry entry : graph.referrers()) {
            if (entry.referrer().kind() == ReferrerKind.POD) {
                pods.add(entry.referrer());
            }
        }
        for (ImageStream stream : graph.streams()) {
            if (!stream.tags().isEmpty() && !stream.tags().get(0).items().isEmpty()) {
                streams.add(stream);
            }
        }
        for (Image image : graph.images()) {
            images.add(image.name());
        }
        if (pods.isEmpty() || streams.isEmpty()) {
            throw new IllegalArgumentException("the graph needs pods and streams with revisions");
        }
    }

    /** images, streams and referrers of the graph, to see that every event was undone */
    String graphCounts() {
        return graph.imageCount() + " images, " + graph.streamCount() + " streams, " + graph.referrerCount()
                + " referrers";
    }

    public static void main(String[] args) throws IOException {
        int warmup = 2000;
        int samples = 5000;
        int wholeGraphSamples = 20;
        for (int i = 1; i < args.length; i += 2) {
            switch (args[i]) {
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--samples" -> samples = Integer.parseInt(args[i + 1]);
                case "--whole-graph-samples" -> wholeGraphSamples = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        long start = System.nanoTime();
        ReplanBench bench = new ReplanBench(SnapshotGraphs.load(Path.of(args[0]), ""));
        System.out.printf(Locale.ROOT, "graph: %d images, %d streams, %d referrers, loaded in %.1f s%n",
                bench.graph.imageCount(), bench.graph.streamCount(), bench.graph.referrerCount(),
                (System.nanoTime() - start) / 1e9);
        long heapBefore = heapAfterGc();
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        bench.graph.imagesHolding(bench.images.get(0));
        System.out.printf(Locale.ROOT, "the graph's digest index, built once by the first targeted pass that follows a "
                + "digest: %.1f ms wall, %.1f ms CPU, heap after GC %+.0f MiB%n", (System.nanoTime() - t0) / 1e6,
                (THREADS.getCurrentThreadCpuTime() - c0) / 1e6, (heapAfterGc() - heapBefore) / 1048576.0);
        System.out.println(bench.measure("pod deleted", bench::podDeleted, warmup, samples));
        System.out.println(bench.measure("new tag revision", bench::newRevision, warmup, samples));
        System.out.println(bench.measure("planner only (Planner.of, no targets)", bench::plannerOnly, warmup, samples));
        if (wholeGraphSamples > 0) {
            bench.wholeGraphStageTwo = true;
            int few = Math.max(1, wholeGraphSamples / 4);
            System.out.println(bench.measure("pod deleted, whole-graph stage 2", bench::podDeleted, few,
                    wholeGraphSamples));
            System.out.println(bench.measure("new tag revision, whole-graph stage 2", bench::newRevision, few,
                    wholeGraphSamples));
        }
    }

    private static long heapAfterGc() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** One sample: the nanoseconds of the measured part. */
    interface Event {
        long sample();
    }

    /**
     * Wall-clock figures of the measured parts, the same for the thread's CPU time over them, and the share of the
     * wall time the thread ran.
     */
    String measure(String name, Event event, int warmup, int samples) {
        for (int i = 0; i < warmup; i++) {
            event.sample();
        }
        long[] nanos = new long[samples];
        long[] cpuNanos = new long[samples];
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        for (int i = 0; i < samples; i++) {
            nanos[i] = event.sample();
            cpuNanos[i] = lastCpuNanos;
        }
        double cpuShare = (THREADS.getCurrentThreadCpuTime() - cpuStart) / (double) (System.nanoTime() - wallStart);
        return Stats.of(nanos).describe(name + " [wall]") + System.lineSeparator()
                + Stats.of(cpuNanos).describe(name + " [cpu]") + String.format(Locale.ROOT,
                "%n%-47s the thread ran %.0f%% of the wall time", "", 100 * cpuShare);
    }

    long podDeleted() {
        Referrer pod = pods.get(random.nextInt(pods.size()));
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        graph.removeReferrer(pod.kind(), pod.namespace(), pod.name());
        replan(Eligibility.of(pod, null, KEEP_YOUNGER_THAN, NOW, this::streamsNaming));
        long t1 = System.nanoTime();
        lastCpuNanos = THREADS.getCurrentThreadCpuTime() - c0;
        graph.putReferrer(pod);
        return t1 - t0;
    }

    long newRevision() {
        ImageStream before = streams.get(random.nextInt(streams.size()));
        Tag tag = before.tags().get(0);
        List<TagEvent> items = new ArrayList<>(tag.items().size() + 1);
        items.add(new TagEvent(images.get(random.nextInt(images.size())), NOW.minusSeconds(60)));
        items.addAll(tag.items());
        List<Tag> tags = new ArrayList<>(before.tags());
        tags.set(0, new Tag(tag.name(), items));
        ImageStream after = new ImageStream(before.namespace(), before.name(), before.created(),
                before.dockerImageRepository(), tags);
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        graph.putStream(after);
        replan(Eligibility.of(before, after, KEEP_YOUNGER_THAN, NOW, this::streamsNaming));
        long t1 = System.nanoTime();
        lastCpuNanos = THREADS.getCurrentThreadCpuTime() - c0;
        graph.putStream(before);
        return t1 - t0;
    }

    long plannerOnly() {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        Planner planner = Planner.of(graph, options);
        sink += planner.refuses() ? 1 : 0;
        long t1 = System.nanoTime();
        lastCpuNanos = THREADS.getCurrentThreadCpuTime() - c0;
        return t1 - t0;
    }

    private Set<String> streamsNaming(String image) {
        return Set.copyOf(graph.revisionsNaming(image).keySet());
    }

    /** A targeted pass over everything the event made due (now or later: the later ones are planned as if due). */
    private void replan(List<Eligibility.Due> due) {
        Set<String> streamTargets = new HashSet<>();
        Set<String> imageTargets = new HashSet<>();
        for (Eligibility.Due d : due) {
            streamTargets.addAll(d.streams());
            imageTargets.addAll(d.images());
        }
        RunTargets targets = new RunTargets(streamTargets, imageTargets);
        Planner planner = Planner.of(graph, options);
        if (planner.refuses()) {
            throw new IllegalStateException(planner.refusalMessage());
        }
        StreamStage stage = planner.planStreams(targets.streams());
        Map<String, ImageStream> overrides = stage.prunedStreams();
        ImageStage images = wholeGraphStageTwo ? planner.planImages(overrides)
                : planner.planImages(overrides, targets.imagesWith(stage.releasedImages()));
        sink += images.plans().size() + stage.plans().size();
    }

    /** Mean with a 99.9% confidence interval (as JMH reports it), percentiles, max. */
    record Stats(double mean, double error, long p50, long p99, long p999, long max, int n) {
        static Stats of(long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            double mean = Arrays.stream(sorted).average().orElse(0);
            double variance = Arrays.stream(sorted).mapToDouble(v -> (v - mean) * (v - mean)).sum()
                    / Math.max(1, sorted.length - 1);
            // 3.29: the two-sided 99.9% quantile of the normal distribution (n is in the thousands)
            double error = 3.29 * Math.sqrt(variance / sorted.length);
            return new Stats(mean, error, rank(sorted, 0.5), rank(sorted, 0.99), rank(sorted, 0.999),
                    sorted[sorted.length - 1], sorted.length);
        }

        private static long rank(long[] sorted, double q) {
            return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
        }

        String describe(String name) {
            return String.format(Locale.ROOT, "%-47s n=%d  mean %.3f ± %.3f ms (99.9%% CI)  p50 %.3f  p99 %.3f  "
                    + "p99.9 %.3f  max %.3f ms", name, n, mean / 1e6, error / 1e6, p50 / 1e6, p99 / 1e6, p999 / 1e6,
                    max / 1e6);
        }
    }
}
