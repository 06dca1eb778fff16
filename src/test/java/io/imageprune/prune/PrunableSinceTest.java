package io.imageprune.prune;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Since when an image is known prunable: the first whole plan finding it, forgotten when a later one keeps it. */
class PrunableSinceTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void theFirstPlanFindingAnImageDatesItUntilItIsDeletedOrKept() {
        PrunableSince since = new PrunableSince();
        since.planned(Set.of("a", "b"), T0);
        since.planned(Set.of("a", "b", "c"), T0.plusSeconds(300));
        assertEquals(Optional.of(T0), since.deleted("a"), "the first plan, not the latest");
        assertEquals(Optional.empty(), since.deleted("a"), "once");
        since.planned(Set.of("c"), T0.plusSeconds(600));
        assertEquals(1, since.size(), "b is kept now: forgotten");
        since.planned(Set.of("b", "c"), T0.plusSeconds(900));
        assertEquals(Optional.of(T0.plusSeconds(900)), since.deleted("b"), "eligible anew from the plan that says so");
        assertEquals(Optional.of(T0.plusSeconds(300)), since.deleted("c"));
        assertEquals(Optional.empty(), since.deleted("never planned"));
    }
}
