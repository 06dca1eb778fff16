package io.imageprune.bench;

import io.imageprune.cli.SnapshotGraphs;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.policy.Extensions;
import io.imageprune.options.InvalidReferenceMode;
import io.imageprune.policy.PlanFlags;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.referrers.CustomReferrers;
import io.imageprune.referrers.ReferrersConfig;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each of issue 12's extensions keeps, and what it costs in plan time, on one snapshot (run by
 * {@code bench/extensions.sh}): {@code plan} with {@code --oc-exact}, with the defaults, with each extension's switch
 * off alone, and with the opt-in orphan-signature cleanup on. The snapshot is read once with the built-in custom
 * kinds; each row is the dry run {@code plan} makes after reading (its "planned in" phase), timed in CPU of the
 * planning thread, the best of {@code runs}.
 *
 * <pre>ExtensionsBench SNAPSHOT [RUNS]</pre>
 */
public final class ExtensionsBench {
    static final Instant NOW = Instant.parse(GenerateCluster.DEFAULT_NOW);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** One row of the table. */
    record Row(String variant, int imagesDeleted, int imagesKept, int revisionsRemoved, int blobsDeleted,
               long cpuMillis) {
    }

    private final ReferenceGraph graph;

    ExtensionsBench(ReferenceGraph graph) {
        this.graph = graph;
    }

    static ExtensionsBench load(Path snapshot) throws Exception {
        return new ExtensionsBench(SnapshotGraphs.load(snapshot, "", new CustomReferrers(ReferrersConfig.DEFAULT)));
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ExtensionsBench SNAPSHOT [RUNS]");
            System.exit(2);
        }
        long start = THREADS.getCurrentThreadCpuTime();
        ExtensionsBench bench = load(Path.of(args[0]));
        long loaded = (THREADS.getCurrentThreadCpuTime() - start) / 1_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        bench.table(bench.rows(runs), System.out);
        System.out.println("read the snapshot (" + bench.graph.imageCount() + " images, " + bench.graph.streamCount()
                + " streams, " + bench.graph.referrerCount() + " referrers) in " + loaded + " ms CPU");
    }

    /** The switch of each row as {@code plan} spells it, and the options it gives. */
    static Map<String, PruneOptions> variants() {
        // the generated clusters carry active invalid references: every row ignores them alike
        PruneOptions base = new PlanFlags(null, null, null, null, null, null, InvalidReferenceMode.IGNORE, null)
                .resolve(NOW, PlanFlags.Defaults.OC);
        Extensions all = Extensions.ALL;
        Map<String, PruneOptions> variants = new LinkedHashMap<>();
        variants.put("--oc-exact", base.ocExact());
        variants.put("defaults", base.withExtensions(all));
        variants.put("--keep-pinned-images=false", base.withExtensions(all).withKeepPinnedImages(false));
        variants.put("--custom-referrers=false", base.withExtensions(new Extensions(false, true, true, true, false)));
        variants.put("--ephemeral-containers=false",
                base.withExtensions(new Extensions(true, false, true, true, false)));
        variants.put("--spec-tag-holders=false", base.withExtensions(new Extensions(true, true, false, true, false)));
        variants.put("--annotations=false", base.withExtensions(new Extensions(true, true, true, false, false)));
        variants.put("--prune-orphan-signatures", base.withExtensions(all.withOrphanSignatures(true)));
        // the only row that does not ignore the invalid references: it contains them
        variants.put("--invalid-refs=contain", base.withExtensions(all).withInvalidRefs(InvalidReferenceMode.CONTAIN));
        return variants;
    }

    List<Row> rows(int runs) {
        // one untimed plan first, so the first row does not pay for compiling the planner
        PruneExecutor.dryRun(Planner.of(graph, variants().get("defaults")));
        List<Row> rows = new ArrayList<>();
        variants().forEach((variant, options) -> {
            PruneResult result = null;
            long best = Long.MAX_VALUE;
            for (int i = 0; i < Math.max(1, runs); i++) {
                long start = THREADS.getCurrentThreadCpuTime();
                result = PruneExecutor.dryRun(Planner.of(graph, options));
                best = Math.min(best, THREADS.getCurrentThreadCpuTime() - start);
            }
            if (result.refused()) {
                throw new IllegalStateException(variant + ": the plan is refused: " + result.invalidReferences());
            }
            int revisions = result.streamUpdates().stream().mapToInt(p -> p.removedRevisions().size()).sum();
            rows.add(new Row(variant, result.imageDeletions().size(), graph.imageCount()
                    - result.imageDeletions().size(), revisions, result.blobDeletions().size(), best / 1_000_000));
        });
        return rows;
    }

    void table(List<Row> rows, PrintStream out) {
        Row defaults = rows.stream().filter(r -> r.variant().equals("defaults")).findFirst().orElseThrow();
        out.printf("| %-28s | %15s | %16s | %17s | %16s | %11s |%n", "plan", "images deleted", "images kept",
                "revisions removed", "blobs deleted", "plan CPU ms");
        out.println("|------------------------------|-----------------|------------------|-------------------|"
                + "------------------|-------------|");
        for (Row r : rows) {
            out.printf("| %-28s | %15s | %16s | %17s | %16s | %11d |%n", r.variant(),
                    withDelta(r.imagesDeleted(), defaults.imagesDeleted(), r),
                    withDelta(r.imagesKept(), defaults.imagesKept(), r),
                    withDelta(r.revisionsRemoved(), defaults.revisionsRemoved(), r),
                    withDelta(r.blobsDeleted(), defaults.blobsDeleted(), r), r.cpuMillis());
        }
        out.println("(in parentheses: the difference from the defaults row)");
    }

    private static String withDelta(int value, int reference, Row row) {
        return row.variant().equals("defaults") ? Integer.toString(value)
                : String.format("%d (%+d)", value, value - reference);
    }
}
