package io.imageprune.prune;

import io.imageprune.execute.ActionKind;
import io.imageprune.execute.ActionRecord;
import io.imageprune.execute.Outcome;
import io.imageprune.execute.PruneResult;
import io.imageprune.policy.Rule;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bytes reclaimable per namespace: attribution of a blob, and at most the top namespaces plus the rest. */
class ReclaimableBytesTest {
    private static ActionRecord layerLink(String repo, String digest) {
        return new ActionRecord(ActionKind.LAYER_LINK, digest, repo, digest, 0, Rule.LAST_LINK_IN_REPOSITORY,
                Outcome.DONE, null);
    }

    private static ActionRecord blob(String digest, long bytes, Outcome outcome) {
        return new ActionRecord(ActionKind.BLOB, digest, "", digest, bytes, Rule.LAST_LINK_IN_REPOSITORY, outcome,
                null);
    }

    private static PruneResult plan(List<ActionRecord> actions) {
        return new PruneResult(List.of(), false, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                null, 0, List.of(), actions);
    }

    @Test
    void aBlobCountsOnceForTheFirstNamespaceLinkingItAndAnUnlinkedOneForTheRest() {
        ReclaimableBytes bytes = ReclaimableBytes.of(plan(List.of(
                layerLink("beta/app", "sha256:a"), layerLink("alpha/app", "sha256:a"), blob("sha256:a", 100,
                        Outcome.DONE),
                layerLink("beta/web", "sha256:b"), blob("sha256:b", 20, Outcome.DONE),
                blob("sha256:orphan", 5, Outcome.DONE),
                // a dry run's blob not attempted counts for nothing; nor does a manifest blob (0 bytes)
                layerLink("gamma/x", "sha256:c"), blob("sha256:c", 7, Outcome.FAILED),
                blob("sha256:manifest", 0, Outcome.DONE))));
        assertEquals(125, bytes.total());
        assertEquals(Map.of("alpha", 100L, "beta", 20L, ReclaimableBytes.OTHER, 5L), bytes.byNamespace());
    }

    @Test
    void beyondTheTopNamespacesTheRestIsSummedSoTheSeriesStayBounded() {
        Map<String, Long> perNamespace = new HashMap<>();
        for (int i = 0; i < 25; i++) {
            perNamespace.put(String.format("ns%02d", i), 1000L + i);
        }
        perNamespace.put(ReclaimableBytes.OTHER, 3L);
        Map<String, Long> top = ReclaimableBytes.top(perNamespace);
        assertEquals(ReclaimableBytes.TOP + 1, top.size());
        List<String> expected = new ArrayList<>();
        long rest = 3;
        for (int i = 24; i >= 0; i--) {
            if (expected.size() < ReclaimableBytes.TOP) {
                expected.add(String.format("ns%02d", i));
            } else {
                rest += 1000L + i;
            }
        }
        expected.add(ReclaimableBytes.OTHER);
        assertEquals(expected, List.copyOf(top.keySet()), "the largest first, the rest last");
        assertEquals(rest, top.get(ReclaimableBytes.OTHER));
        assertEquals(perNamespace.values().stream().mapToLong(Long::longValue).sum(),
                top.values().stream().mapToLong(Long::longValue).sum(), "nothing lost nor counted twice");
        assertEquals(Map.of(ReclaimableBytes.OTHER, 0L), ReclaimableBytes.top(Map.of()),
                "a series even when nothing is reclaimable");
    }
}
