package io.imageprune.cli;

import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.graph.ExtensionHolders;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.policy.Rule;
import io.imageprune.policy.StreamPlan;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code plan -o table} section on what the extensions beyond oc keep: the holders and rules read, and what oc's
 * exact plan ({@code --oc-exact}) would remove that this one keeps.
 */
final class BeyondOcTable {
    private BeyondOcTable() {
    }

    static void write(ReferenceGraph graph, PruneOptions options, PruneResult result, PrintWriter out) {
        out.println();
        out.println("Beyond oc (--oc-exact switches these off):");
        Map<String, Integer> holders = new TreeMap<>();
        for (ExtensionHolders.Source source : ExtensionHolders.Source.values()) {
            if (options.extensions().reads(source)) {
                for (ExtensionHolders.Holder holder : graph.extensions().holders(source)) {
                    holders.merge(label(source, holder.kind()), 1, Integer::sum);
                }
            }
        }
        holders.forEach((what, count) -> out.printf("  %-40s %,d%n", what, count));
        Map<Rule, Integer> untouched = new TreeMap<>();
        Planner.of(graph, options).planStreams().untouched().values().forEach(rule -> {
            if (rule == Rule.PROTECTED_NAMESPACE || rule == Rule.PROTECTED_STREAM) {
                untouched.merge(rule, 1, Integer::sum);
            }
        });
        untouched.forEach((rule, count) -> out.printf("  %-40s %,d%n", rule == Rule.PROTECTED_NAMESPACE
                ? "Streams in protected namespaces" : "Protected streams", count));
        PruneResult oc = PruneExecutor.dryRun(Planner.of(graph, options.ocExact()));
        if (oc.refused()) {
            out.println("  oc would refuse to prune (invalid references)");
            return;
        }
        Set<String> kept = new HashSet<>(oc.imageDeletions());
        kept.removeAll(result.imageDeletions());
        int revisions = count(oc.streamUpdates()) - count(result.streamUpdates());
        out.printf("  %-40s %,d%n", "Stream revisions oc would also remove", Math.max(0, revisions));
        out.printf("  %-40s %,d%n", "Images oc would also delete", kept.size());
        List<String> sample = kept.stream().sorted().limit(10).toList();
        for (String image : sample) {
            out.printf("    %s  (plan --explain %s says why)%n", image, image);
        }
        if (kept.size() > sample.size()) {
            out.printf("    ... and %,d more%n", kept.size() - sample.size());
        }
    }

    private static String label(ExtensionHolders.Source source, String kind) {
        return switch (source) {
            case CUSTOM_RESOURCE -> kind + " (custom resource)";
            case EPHEMERAL_CONTAINERS -> "Pods with ephemeral containers";
            case SPEC_TAGS -> "ImageStreams with spec tag holders";
        };
    }

    private static int count(List<StreamPlan> plans) {
        return plans.stream().mapToInt(p -> p.removedRevisions().size()).sum();
    }
}
