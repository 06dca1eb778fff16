package io.imageprune.projection;

import io.imageprune.model.Container;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Encode+decode throughput over a realistic mix of small objects. Prints the rates (stdout goes to
 * target/surefire-reports/io.imageprune.projection.ProjectionCodecRateTest-output.txt); asserts only correctness.
 * A benchmark, not a test of the build: run it with {@code -Dimageprune.bench.codec=true}.
 */
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "imageprune.bench.codec", matches = "true")
class ProjectionCodecRateTest {
    private static final int DISTINCT = 20_000;
    private static final int MEASURED = 1_000_000;
    private static final int SMALL = 300_000;
    private static final int PART = 200_000;

    @Test
    void encodeDecodeRate() {
        ProjectionCodec codec = new ProjectionCodec();
        List<Object> objects = mix(DISTINCT);
        String[] keys = new String[objects.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ProjectionKeys.of(objects.get(i));
        }
        run(codec, objects, keys, 300_000, new long[1]); // warm-up
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        // encode only, then decode only (which also finishes the warm-up of both)
        byte[][] encoded = new byte[objects.size()][];
        long start = System.nanoTime();
        for (int i = 0; i < PART; i++) {
            encoded[i % encoded.length] = codec.encode(objects.get(i % encoded.length));
        }
        long encodeNanos = System.nanoTime() - start;
        start = System.nanoTime();
        int tombstones = 0;
        for (int i = 0; i < PART; i++) {
            int n = i % encoded.length;
            tombstones += codec.decode(keys[n], encoded[n]) == null ? 1 : 0;
        }
        long decodeNanos = System.nanoTime() - start;

        // the headline: 1M encode+decode round trips of the mix
        long[] bytes = new long[1];
        long cpuStart = threads.getCurrentThreadCpuTime();
        start = System.nanoTime();
        long checked = run(codec, objects, keys, MEASURED, bytes);
        long roundTripNanos = System.nanoTime() - start;
        long roundTripCpuNanos = threads.getCurrentThreadCpuTime() - cpuStart;

        // small values only
        List<Object> small = objects.stream().filter(o -> o instanceof Referrer).toList();
        String[] smallKeys = small.stream().map(ProjectionKeys::of).toArray(String[]::new);
        long[] smallBytes = new long[1];
        cpuStart = threads.getCurrentThreadCpuTime();
        start = System.nanoTime();
        checked += run(codec, small, smallKeys, SMALL, smallBytes);
        long smallNanos = System.nanoTime() - start;
        long smallCpuNanos = threads.getCurrentThreadCpuTime() - cpuStart;

        report("projection codec: %,d values (%,d distinct: 40%% pods, 35%% images with 3-6 layers, 10%% streams "
                        + "with 2x3 tag events, 15%% other referrers), avg %d bytes/value; %d processors, load %.1f",
                MEASURED, DISTINCT, bytes[0] / MEASURED, Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        report("  encode+decode: %,.0f values/s (%.2f s wall for %,d, %.1f MB/s of JSON); %,.0f values/s of thread "
                        + "CPU time (%.2f s)", MEASURED / (roundTripNanos / 1e9), roundTripNanos / 1e9, MEASURED,
                bytes[0] / (roundTripNanos / 1e9) / 1e6, MEASURED / (roundTripCpuNanos / 1e9),
                roundTripCpuNanos / 1e9);
        report("  small values only (pods and replica sets, avg %d bytes): %,.0f values/s wall, %,.0f values/s of "
                        + "thread CPU time", smallBytes[0] / SMALL, SMALL / (smallNanos / 1e9),
                SMALL / (smallCpuNanos / 1e9));
        report("  mix, encode only: %,.0f values/s; decode only: %,.0f values/s (wall)", PART / (encodeNanos / 1e9),
                PART / (decodeNanos / 1e9));
        assertEquals(MEASURED + SMALL, checked);
        assertEquals(0, tombstones);
    }

    private static long run(ProjectionCodec codec, List<Object> objects, String[] keys, int count, long[] bytes) {
        long ok = 0;
        int n = objects.size();
        for (int i = 0; i < count; i++) {
            Object o = objects.get(i % n);
            byte[] value = codec.encode(o);
            bytes[0] += value.length;
            Object back = codec.decode(keys[i % n], value);
            if (i % 97 == 0) {
                assertEquals(o, back);
            }
            ok++;
        }
        return ok;
    }

    static List<Object> mix(int count) {
        SplittableRandom random = new SplittableRandom(42);
        HexFormat hex = HexFormat.of();
        List<Object> out = new ArrayList<>(count);
        Instant base = Instant.parse("2024-01-01T00:00:00Z");
        for (int i = 0; i < count; i++) {
            Instant created = base.plusSeconds(random.nextInt(10_000_000));
            int pick = random.nextInt(100);
            if (pick < 40) {
                List<Container> containers = new ArrayList<>();
                if (random.nextBoolean()) {
                    containers.add(new Container("init", true, "quay.io/org/init@" + digest(random, hex)));
                }
                containers.add(new Container("app", false, "image-registry.openshift-image-registry.svc:5000/ns"
                        + i % 50 + "/app:v" + random.nextInt(20)));
                out.add(new Referrer(ReferrerKind.POD, "ns" + i % 50, "app-" + i, created, "Running", containers,
                        null));
            } else if (pick < 75) {
                List<Layer> layers = new ArrayList<>();
                for (int l = 0, n = 3 + random.nextInt(4); l < n; l++) {
                    layers.add(new Layer(digest(random, hex), random.nextLong(1L << 32)));
                }
                String name = digest(random, hex);
                out.add(new Image(name, created, true, Image.MANIFEST_SCHEMA2, layers, true,
                        digest(random, hex), random.nextLong(1L << 34), List.of(),
                        "image-registry.openshift-image-registry.svc:5000/ns/app@" + name));
            } else if (pick < 85) {
                List<Tag> tags = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    List<TagEvent> items = new ArrayList<>();
                    for (int e = 0; e < 3; e++) {
                        items.add(new TagEvent(digest(random, hex), created.plusSeconds(e)));
                    }
                    tags.add(new Tag("v" + t, items));
                }
                out.add(new ImageStream("ns" + i % 50, "stream-" + i, created,
                        "image-registry.openshift-image-registry.svc:5000/ns/stream-" + i, tags));
            } else {
                ReferrerKind kind = pick < 95 ? ReferrerKind.REPLICA_SET : ReferrerKind.DEPLOYMENT;
                out.add(new Referrer(kind, "ns" + i % 50, "rs-" + i, created, "",
                        List.of(new Container("app", false, "ns/app:latest")), null));
            }
        }
        return out;
    }

    private static String digest(SplittableRandom random, HexFormat hex) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return "sha256:" + hex.formatHex(b);
    }

    private static void report(String format, Object... args) {
        String line = String.format(format, args);
        System.out.println(line);
        System.err.println(line);
    }
}
