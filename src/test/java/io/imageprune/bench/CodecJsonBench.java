package io.imageprune.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.snapshot.ClusterSnapshot;
import io.imageprune.snapshot.SnapshotLoader;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Schema version 1 (JSON) of the projection codec over the projections of a cluster file: encode ({@code encodeJson})
 * and decode rates in the measuring thread's CPU time, beside the reference of the same run, Jackson's parser walking
 * the tokens of the same values (the floor under any JSON decoder built on it). Warm-up rounds first, then the median
 * of the measured rounds; every decoded object is compared with its original once, outside the clock.
 *
 * <pre>CodecJsonBench FILE [WARMUP_ROUNDS] [MEASURED_ROUNDS]</pre>
 */
public final class CodecJsonBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final JsonFactory JSON = new JsonFactory();

    private CodecJsonBench() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: CodecJsonBench FILE [WARMUP_ROUNDS] [MEASURED_ROUNDS]");
            System.exit(2);
        }
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int measured = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        ClusterSnapshot snapshot = new SnapshotLoader().load(Path.of(args[0]));
        List<Object> objects = new ArrayList<>();
        objects.addAll(snapshot.images());
        objects.addAll(snapshot.streams());
        objects.addAll(snapshot.referrers());
        objects.addAll(snapshot.limitRanges());
        String[] keys = objects.stream().map(ProjectionKeys::of).toArray(String[]::new);
        ProjectionCodec codec = new ProjectionCodec();
        byte[][] values = new byte[objects.size()][];
        long bytes = 0;
        for (int i = 0; i < values.length; i++) {
            values[i] = codec.encodeJson(objects.get(i));
            bytes += values[i].length;
            if (!objects.get(i).equals(codec.decode(keys[i], values[i]))) {
                throw new IllegalStateException("does not round-trip: " + keys[i]);
            }
        }
        long[][] nanos = new long[3][measured];
        for (int round = -warmup; round < measured; round++) {
            long encode = cpu();
            for (int i = 0; i < values.length; i++) {
                values[i] = codec.encodeJson(objects.get(i));
            }
            long decode = cpu();
            int decoded = 0;
            for (int i = 0; i < values.length; i++) {
                decoded += codec.decode(keys[i], values[i]) != null ? 1 : 0;
            }
            long walk = cpu();
            long tokens = 0;
            for (byte[] value : values) {
                try (JsonParser p = JSON.createParser(value)) {
                    while (p.nextToken() != null) {
                        tokens++;
                    }
                }
            }
            long end = cpu();
            if (decoded != values.length || tokens == 0) {
                throw new IllegalStateException("decoded " + decoded + " of " + values.length);
            }
            if (round >= 0) {
                nanos[0][round] = decode - encode;
                nanos[1][round] = walk - decode;
                nanos[2][round] = end - walk;
            }
        }
        System.out.printf(Locale.ROOT, "%d values, %d bytes of JSON (%d a value); %d warm-up and %d measured rounds; "
                        + "load average %.1f%n", values.length, bytes, bytes / values.length, warmup, measured,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        String[] names = {"encodeJson", "decode", "reference: Jackson token walk"};
        for (int k = 0; k < names.length; k++) {
            long[] sorted = nanos[k].clone();
            Arrays.sort(sorted);
            long median = sorted[sorted.length / 2];
            System.out.printf(Locale.ROOT, "%-30s median %7.1f ms thread CPU a round, %,10.0f values/s "
                            + "(fastest %.1f ms)%n", names[k], median / 1e6, values.length / (median / 1e9),
                    sorted[0] / 1e6);
        }
    }

    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }
}
