package io.imageprune.properties;

import io.imageprune.bench.GeneratedClusters;
import io.imageprune.execute.LedgerPlanSummary;
import io.imageprune.execute.PlanSummary;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.NamespaceScope;
import io.imageprune.policy.Extensions;
import io.imageprune.options.InvalidReferenceMode;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static io.imageprune.properties.PlannerPropertiesTest.describe;
import static io.imageprune.properties.PlannerPropertiesTest.forEachSeed;
import static io.imageprune.properties.PlannerPropertiesTest.randomOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plan summary read straight from the stage plans ({@link PlanSummary#of(Planner)}) is the summary counted from a
 * dry run's ledger ({@link LedgerPlanSummary}, the computation it replaces): the same totals, namespaces (each with
 * the same numbers, in the same order) and unattributed images and bytes, on random clusters with random options —
 * namespace mode, a graph of some namespaces only, every invalid-reference mode, the extensions — and on clusters of
 * the benchmark's generator.
 */
class PlanSummaryPropertiesTest {
    private static final Extensions[] EXTENSIONS = {Extensions.NONE, Extensions.ALL,
            Extensions.ALL.withOrphanSignatures(true), new Extensions(false, false, false, true, true)};
    private static final Instant GENERATOR_NOW = Instant.parse("2025-01-15T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void theSummaryFromTheStagePlansIsTheDryRunsOnRandomClusters() {
        Seen seen = new Seen();
        forEachSeed("plan summary", (c, rnd) -> {
            String namespace = rnd.nextInt(3) == 0 ? c.namespaces.get(rnd.nextInt(c.namespaces.size())) : "";
            PruneOptions o = randomOptions(c, rnd, rnd.nextBoolean(), namespace)
                    .withInvalidRefs(InvalidReferenceMode.values()[rnd.nextInt(InvalidReferenceMode.values().length)])
                    .withExtensions(EXTENSIONS[rnd.nextInt(EXTENSIONS.length)]);
            if (rnd.nextInt(4) == 0) {
                o = o.onGraphOf(NamespaceScope.of("scope", someOf(c.namespaces, rnd)));
            }
            seen.add(o, check(c.sharedGraph(), o, c.summary() + ", " + describe(o) + ", " + o.extensions()
                    + ", " + o.invalidRefs() + ", graph of " + o.graphScope()));
        });
        seen.requireEveryKind();
    }

    @Test
    void theSummaryFromTheStagePlansIsTheDryRunsOnGeneratedClusters() throws Exception {
        Seen seen = new Seen();
        for (String size : new String[] {"tiny", "small"}) {
            for (long seed = 1; seed <= 2; seed++) {
                ReferenceGraph graph = GeneratedClusters.graph(dir, size, seed);
                PruneOptions whole = PruneOptions.library(GENERATOR_NOW, Duration.ofMinutes(60), 3, null, true, true,
                        "", true, true);
                PlanSummary all = check(graph, whole, size + " seed " + seed);
                seen.add(whole, all);
                List<String> namespaces = new ArrayList<>();
                all.namespaces().forEach(n -> namespaces.add(n.namespace()));
                assertTrue(!namespaces.isEmpty(), size + " seed " + seed + ": the whole-cluster plan prunes nothing");
                List<PruneOptions> others = List.of(
                        PruneOptions.library(GENERATOR_NOW, Duration.ofMinutes(60), 3, null, true, true,
                                namespaces.get(0), true, true),
                        whole.onGraphOf(NamespaceScope.of("scope", namespaces.subList(0,
                                Math.min(2, namespaces.size())))),
                        PruneOptions.library(GENERATOR_NOW, Duration.ZERO, 1, null, false, true, "", true, true),
                        PruneOptions.library(GENERATOR_NOW, Duration.ofMinutes(60), 3, null, true, false, "", true,
                                true),
                        whole.withInvalidRefs(InvalidReferenceMode.STOP),
                        whole.withExtensions(Extensions.ALL.withOrphanSignatures(true)));
                for (PruneOptions o : others) {
                    seen.add(o, check(graph, o, size + " seed " + seed + ", " + describe(o) + ", " + o.extensions()
                            + ", " + o.invalidRefs() + ", graph of " + o.graphScope()));
                }
            }
        }
        seen.requireDeletionsInEveryScope();
    }

    private static PlanSummary check(ReferenceGraph graph, PruneOptions options, String context) {
        PlanSummary expected = LedgerPlanSummary.of(PruneExecutor.dryRun(Planner.of(graph, options)));
        PlanSummary summary = PlanSummary.of(Planner.of(graph, options));
        assertEquals(expected, summary, context);
        return summary;
    }

    private static List<String> someOf(List<String> namespaces, Random rnd) {
        List<String> some = new ArrayList<>();
        for (String namespace : new TreeSet<>(namespaces)) {
            if (rnd.nextBoolean()) {
                some.add(namespace);
            }
        }
        return some;
    }

    /** What the cases exercised: each kind must have occurred, or the comparison proved little. */
    private static final class Seen {
        int deletingBytes;
        int sharedAcrossNamespaces;
        int unattributed;
        int refused;
        int namespaced;
        int partialGraph;

        void add(PruneOptions options, PlanSummary summary) {
            PlanSummary.Totals totals = summary.totals();
            if (totals.images() > 0 && totals.layerLinks() > 0 && totals.manifestLinks() > 0
                    && totals.bytesReclaimable() > 0 && summary.namespaces().stream().anyMatch(n -> n.bytes() > 0)) {
                deletingBytes++;
            }
            int attributed = totals.images() - summary.unattributed().images();
            if (summary.namespaces().stream().mapToInt(PlanSummary.Namespace::images).sum() > attributed) {
                sharedAcrossNamespaces++;
            }
            if (summary.unattributed().images() > 0 && summary.unattributed().bytes() > 0) {
                unattributed++;
            }
            refused += summary.refused() ? 1 : 0;
            namespaced += !options.namespace().isEmpty() && totals.tagRevisions() > 0 ? 1 : 0;
            partialGraph += options.graphScopeLimit() != null && totals.tagRevisions() > 0 ? 1 : 0;
        }

        void requireDeletionsInEveryScope() {
            assertTrue(deletingBytes > 0 && namespaced > 0 && partialGraph > 0, "vacuous: " + counts());
        }

        void requireEveryKind() {
            assertTrue(deletingBytes > 0 && sharedAcrossNamespaces > 0 && unattributed > 0 && refused > 0
                    && namespaced > 0 && partialGraph > 0, "vacuous: some kind of case never occurred: " + counts());
        }

        private String counts() {
            return "deleting bytes " + deletingBytes + ", an image in several namespaces "
                    + sharedAcrossNamespaces + ", unattributed " + unattributed + ", refused " + refused
                    + ", namespaced " + namespaced + ", partial graph " + partialGraph;
        }
    }
}
