package io.imageprune.document;

import io.imageprune.cli.SnapshotGraphs;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The plan document's longest sort, its blob digests, as strings (how the document sorted them before) and by
 * {@link DigestSort}, alternating in one JVM: on a machine whose speed changes from one minute to the next, only the
 * ratio within a round compares the two.
 *
 * <pre>DigestSortBench FILE [ROUNDS]</pre>
 */
public final class DigestSortBench {
    private static final int WARMUP = 5;

    private DigestSortBench() {
    }

    public static void main(String[] args) throws IOException {
        PruneOptions options = PruneOptions.library(Instant.parse("2025-01-15T12:00:00Z"), Duration.ofMinutes(60), 3,
                null, true, true, "", true, true);
        PruneResult plan = PruneExecutor.dryRun(Planner.of(SnapshotGraphs.load(Path.of(args[0]), ""), options));
        System.out.println(compare(plan.blobDeletions(), args.length > 1 ? Integer.parseInt(args[1]) : 20));
    }

    /** The figures of {@code rounds} alternating sorts of {@code digests}, after a warm-up. */
    static String compare(List<String> digests, int rounds) {
        long[] asStrings = new long[rounds];
        long[] keyed = new long[rounds];
        double[] ratios = new double[rounds];
        for (int round = -WARMUP; round < rounds; round++) {
            long start = System.nanoTime();
            String[] strings = digests.toArray(String[]::new);
            Arrays.sort(strings);
            long middle = System.nanoTime();
            String[] sorted = DigestSort.sorted(digests);
            long end = System.nanoTime();
            if (!Arrays.equals(strings, sorted)) {
                throw new IllegalStateException("the digest sort's order is not the strings' order");
            }
            if (round >= 0) {
                asStrings[round] = middle - start;
                keyed[round] = end - middle;
                ratios[round] = (double) keyed[round] / asStrings[round];
            }
        }
        Arrays.sort(asStrings);
        Arrays.sort(keyed);
        Arrays.sort(ratios);
        return String.format(Locale.ROOT, "%,d digests, %d rounds%n"
                        + "sorted as strings (before)  median %.1f ms (min %.1f, max %.1f)%n"
                        + "DigestSort                  median %.1f ms (min %.1f, max %.1f)%n"
                        + "DigestSort / strings, per round: median %.2f (min %.2f, max %.2f)",
                digests.size(), rounds, asStrings[rounds / 2] / 1e6, asStrings[0] / 1e6, asStrings[rounds - 1] / 1e6,
                keyed[rounds / 2] / 1e6, keyed[0] / 1e6, keyed[rounds - 1] / 1e6, ratios[rounds / 2], ratios[0],
                ratios[rounds - 1]);
    }
}
