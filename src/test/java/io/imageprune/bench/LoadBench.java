package io.imageprune.bench;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import io.imageprune.snapshot.LoadStats;
import io.imageprune.snapshot.SnapshotLoader;
import io.imageprune.snapshot.SnapshotSink;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The snapshot loader alone over one file, in a fresh JVM as {@code plan} runs it (the first round has a cold JIT):
 * each round streams the file into a sink that only counts, beside the reference of the same run, reading the file's
 * bytes as the loader does ({@code cat}). Prints the loading thread's CPU time (what other work on a shared machine
 * does not inflate), the process's CPU time (adds the JIT compiler and the collector) and the wall time.
 *
 * <pre>LoadBench FILE [ROUNDS]</pre>
 */
public final class LoadBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private LoadBench() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: LoadBench FILE [ROUNDS]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long[] reference = timed(() -> readBytes(file));
        print("cat", 0, reference);
        SnapshotLoader loader = new SnapshotLoader();
        for (int round = 1; round <= rounds; round++) {
            long[] counts = new long[1];
            LoadStats[] stats = new LoadStats[1];
            long[] load = timed(() -> {
                stats[0] = loader.load(file, new CountingSink(counts));
                return counts[0];
            });
            print("load", round, load);
            if (counts[0] == 0 || counts[0] > stats[0].items()) {
                throw new IllegalStateException("the sink saw " + counts[0] + " objects of " + stats[0].items());
            }
        }
    }

    /** {thread CPU ns, process CPU ns, wall ns, result}. */
    private static long[] timed(Work work) throws IOException {
        long process = processCpu();
        long thread = THREADS.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        long result = work.run();
        return new long[] {THREADS.getCurrentThreadCpuTime() - thread, processCpu() - process,
                System.nanoTime() - wall, result};
    }

    private static void print(String what, int round, long[] t) {
        System.out.printf(Locale.ROOT, "%s round %d: %d ms thread CPU, %d ms process CPU, %d ms wall, %d %s; "
                        + "load average %.1f%n", what, round, t[0] / 1_000_000, t[1] / 1_000_000, t[2] / 1_000_000,
                t[3], what.equals("cat") ? "bytes" : "objects",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long readBytes(Path file) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (InputStream in = new FileInputStream(file.toFile())) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
            }
        }
        return total;
    }

    @FunctionalInterface
    private interface Work {
        long run() throws IOException;
    }

    private record CountingSink(long[] counts) implements SnapshotSink {
        @Override
        public void image(Image image) {
            counts[0]++;
        }

        @Override
        public void imageStream(ImageStream stream) {
            counts[0]++;
        }

        @Override
        public void referrer(Referrer referrer) {
            counts[0]++;
        }

        @Override
        public void limitRange(LimitRange limitRange) {
            counts[0]++;
        }
    }
}
