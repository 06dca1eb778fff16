package io.imageprune.state;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.snapshot.SnapshotLoader;
import io.imageprune.snapshot.SnapshotSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A benchmark, not a test of the build: the state consumer's per-record work (decode, apply to the graph) on a
 * snapshot's projections held in memory, without Kafka, so its cost can be profiled apart from the client's. Run it
 * with {@code -Dimageprune.bench.replay=FILE} (a snapshot, e.g. the xlarge cluster of bench/).
 */
@EnabledIfSystemProperty(named = "imageprune.bench.replay", matches = ".+")
class ReplayRateTest {
    private static final ProjectionCodec CODEC = new ProjectionCodec();

    @Test
    void decodeAndApplyRate() throws Exception {
        List<String> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        new SnapshotLoader().load(Path.of(System.getProperty("imageprune.bench.replay")),
                SnapshotSink.everyObject(o -> {
                    keys.add(ProjectionKeys.of(o));
                    values.add(CODEC.encode(o));
                }));
        long bytes = values.stream().mapToLong(v -> v.length).sum();
        report("%d records, %d bytes (%.0f bytes/record)", keys.size(), bytes, (double) bytes / keys.size());
        int rounds = Integer.getInteger("imageprune.bench.rounds", 3);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int round = 1; round <= rounds; round++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int i = 0; i < keys.size(); i++) {
                CODEC.decode(keys.get(i), values.get(i));
            }
            long t1 = System.nanoTime();
            long c1 = threads.getCurrentThreadCpuTime();
            ReferenceGraph graph = new ReferenceGraph();
            RecordApplier applier = new RecordApplier(CODEC);
            for (int i = 0; i < keys.size(); i++) {
                ProjectionKeys.parse(keys.get(i)).kind();
                applier.apply(graph, keys.get(i), values.get(i), m -> { });
            }
            long t2 = System.nanoTime();
            long c2 = threads.getCurrentThreadCpuTime();
            assertEquals(keys.size(), graph.imageCount() + graph.streamCount() + graph.referrerCount()
                    + graph.limitRangeCount());
            // CPU time of this thread beside the wall time: on a shared machine the wall time measures the neighbours
            report("round %d: decode %.2f us/record (CPU %.2f); decode+apply %.2f us/record (CPU %.2f, %.0f records/s"
                    + " of CPU)", round, (t1 - t0) / 1e3 / keys.size(), (c1 - c0) / 1e3 / keys.size(),
                    (t2 - t1) / 1e3 / keys.size(), (c2 - c1) / 1e3 / keys.size(), keys.size() * 1e9 / (c2 - c1));
        }
    }

    private static void report(String format, Object... args) {
        System.out.printf("replay-rate: " + format + "%n", args);
    }
}
