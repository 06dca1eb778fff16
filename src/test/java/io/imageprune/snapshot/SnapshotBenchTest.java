package io.imageprune.snapshot;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Load time and heap of a big snapshot. Skipped unless {@code -Dimageprune.bench.snapshot=/path/to/xlarge.json}, e.g.
 * {@code ./mvnw -B -q test -Dtest=SnapshotBenchTest -Dimageprune.bench.snapshot=/work/bench/xlarge.json
 * -DargLine=-Xmx1g}. Results go to stdout (target/surefire-reports/*-output.txt). The machine must be otherwise idle
 * for the wall time to mean anything; the loading thread's CPU time is less sensitive to other load.
 */
@EnabledIfSystemProperty(named = "imageprune.bench.snapshot", matches = ".+")
class SnapshotBenchTest {
    @Test
    void loadBigSnapshot() {
        Path file = Path.of(System.getProperty("imageprune.bench.snapshot"));
        SnapshotLoader loader = new SnapshotLoader();
        long[] counts = new long[4];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        LoadStats stats = loader.load(file, new SnapshotSink() {
            @Override
            public void image(Image image) {
                counts[0]++;
            }

            @Override
            public void imageStream(ImageStream stream) {
                counts[1]++;
            }

            @Override
            public void referrer(Referrer referrer) {
                counts[2]++;
            }

            @Override
            public void limitRange(LimitRange limitRange) {
                counts[3]++;
            }
        });
        long sinkMillis = (System.nanoTime() - start) / 1_000_000;
        long sinkCpuMillis = (threads.getCurrentThreadCpuTime() - cpuStart) / 1_000_000;
        report("sink load (first, cold JIT): %d ms wall, %d ms CPU of the loading thread, %d items, loaded %s, "
                + "skipped %s", sinkMillis, sinkCpuMillis, stats.items(), stats.loaded(), stats.skipped());

        start = System.nanoTime();
        ClusterSnapshot snapshot = loader.load(file);
        long fullMillis = (System.nanoTime() - start) / 1_000_000;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.gc();
        long used = memory.getHeapMemoryUsage().getUsed();
        report("snapshot load: %d ms, %d images, %d streams, %d referrers, %d limit ranges; heap after GC %d MiB "
                        + "(max %d MiB)", fullMillis, snapshot.images().size(), snapshot.streams().size(),
                snapshot.referrers().size(), snapshot.limitRanges().size(), used >> 20,
                memory.getHeapMemoryUsage().getMax() >> 20);
        assertTrue(counts[0] == snapshot.images().size() && counts[1] == snapshot.streams().size());
    }

    private static void report(String format, Object... args) {
        String line = String.format(format, args);
        System.out.println(line);
        System.err.println(line);
    }
}
