package io.imageprune.execute;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeletionBudgetTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);

    private static DeletionBudget budget() {
        return new DeletionBudget(HOUR, Map.of(ActionKind.IMAGE, 3, ActionKind.LAYER_LINK, 10,
                ActionKind.MANIFEST_LINK, 2, ActionKind.BLOB, 5));
    }

    @Test
    void takesUntilAKindIsSpentThenDefersAllOrNothing() {
        DeletionBudget budget = budget();
        assertNull(budget.take(T0, new DeletionCounts(1, 0, 0, 3)));
        String deferred = budget.take(T0.plusSeconds(1), new DeletionCounts(1, 0, 0, 3));
        assertNotNull(deferred, "3 + 3 blobs exceed 5");
        assertTrue(deferred.contains("5 blob deletions per PT1H"), deferred);
        assertEquals(1, budget.used(ActionKind.IMAGE, T0.plusSeconds(1)), "nothing of a deferred take is counted");
        assertNull(budget.take(T0.plusSeconds(2), new DeletionCounts(1, 0, 0, 2)), "a smaller image still fits");
        assertEquals(Map.of(ActionKind.IMAGE, 1, ActionKind.LAYER_LINK, 10, ActionKind.MANIFEST_LINK, 2,
                ActionKind.BLOB, 0), budget.remaining(T0.plusSeconds(2)));
    }

    @Test
    void theWindowRollsSoABacklogDrains() {
        DeletionBudget budget = budget();
        assertNull(budget.take(T0, new DeletionCounts(0, 0, 2, 0)));
        assertNotNull(budget.take(T0.plus(HOUR).minusSeconds(1), DeletionCounts.MANIFEST_LINK), "still inside");
        assertNull(budget.take(T0.plus(HOUR), DeletionCounts.MANIFEST_LINK), "the first ones left the window");
        assertEquals(1, budget.used(ActionKind.MANIFEST_LINK, T0.plus(HOUR)));
    }

    @Test
    void passesInARowAreCountedTogether() {
        DeletionBudget budget = budget();
        for (int pass = 0; pass < 3; pass++) {
            assertNull(budget.take(T0.plusSeconds(pass), DeletionCounts.IMAGE), "pass " + pass);
        }
        assertNotNull(budget.take(T0.plusSeconds(3), DeletionCounts.IMAGE), "the fourth targeted pass waits");
    }

    @Test
    void whatWasNotSentIsGivenBack() {
        DeletionBudget budget = budget();
        assertNull(budget.take(T0, new DeletionCounts(3, 0, 0, 0)));
        budget.giveBack(T0.plusSeconds(1), DeletionCounts.IMAGE);
        assertEquals(2, budget.used(ActionKind.IMAGE, T0.plusSeconds(1)));
        assertNull(budget.take(T0.plusSeconds(2), DeletionCounts.IMAGE));
    }

    @Test
    void aGiveBackDoesNotOutliveTheTakeItCancels() {
        // taken at T0 and given back 20 minutes later: once the take has left the window, nothing may be discounted
        DeletionBudget budget = budget();
        assertNull(budget.take(T0, new DeletionCounts(3, 0, 0, 0)));
        budget.giveBack(T0.plus(Duration.ofMinutes(20)), new DeletionCounts(3, 0, 0, 0));
        Instant later = T0.plus(Duration.ofMinutes(61));
        assertNull(budget.take(later, new DeletionCounts(3, 0, 0, 0)));
        assertEquals(3, budget.used(ActionKind.IMAGE, later.plusSeconds(1)),
                "the window counts exactly what was taken after the cancelled take left it");
        assertNotNull(budget.take(later.plusSeconds(1), DeletionCounts.IMAGE), "the limit holds");
    }

    @Test
    void restoredPastDeletionsCountUntilTheyLeaveTheWindow() {
        DeletionBudget budget = budget();
        budget.restore(ActionKind.LAYER_LINK, T0.minus(Duration.ofMinutes(30)), 9);
        budget.restore(ActionKind.LAYER_LINK, T0.minus(Duration.ofMinutes(90)), 10);
        assertEquals(9, budget.used(ActionKind.LAYER_LINK, T0), "only the restored deletions inside the window");
        assertNotNull(budget.take(T0, new DeletionCounts(0, 2, 0, 0)));
        assertNull(budget.take(T0, DeletionCounts.LAYER_LINK));
        assertNull(budget.take(T0.plus(Duration.ofMinutes(31)), new DeletionCounts(0, 9, 0, 0)),
                "the restored ones left the window");
    }

    @Test
    void kindsWithoutALimitAndEmptyTakesAlwaysFit() {
        DeletionBudget budget = new DeletionBudget(HOUR, Map.of(ActionKind.IMAGE, 0));
        assertNull(budget.take(T0, new DeletionCounts(0, 1000, 1000, 1000)));
        assertNull(budget.take(T0, DeletionCounts.NONE));
        assertNotNull(budget.take(T0, DeletionCounts.IMAGE));
        assertThrows(IllegalArgumentException.class, () -> new DeletionBudget(Duration.ZERO, Map.of()));
    }
}
