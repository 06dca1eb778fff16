package io.imageprune.prune;

import io.imageprune.policy.Eligibility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class EligibilityQueueTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration DEBOUNCE = Duration.ofMillis(500);

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    @Test
    void aBurstBecomesOnePassAfterTheDebounce() {
        EligibilityQueue queue = new EligibilityQueue();
        queue.add(new Eligibility.Due(at(0), Set.of("ns/a"), Set.of()), at(0));
        queue.add(new Eligibility.Due(at(300), Set.of("ns/b"), Set.of("sha256:1")), at(300));
        assertNull(queue.takeReady(at(700), DEBOUNCE), "the last item became due 400 ms ago");
        RunTargets targets = queue.takeReady(at(800), DEBOUNCE);
        assertNotNull(targets);
        assertEquals(Set.of("ns/a", "ns/b"), targets.streams());
        assertEquals(Set.of("sha256:1"), targets.images());
        assertNull(queue.takeReady(at(5000), DEBOUNCE), "taken targets are gone");
    }

    @Test
    void aSteadyStreamOfEventsCannotPostponeThePassForever() {
        EligibilityQueue queue = new EligibilityQueue();
        long startedAt = -1;
        RunTargets targets = null;
        for (long t = 0; t <= 5000 && targets == null; t += 100) {
            queue.add(new Eligibility.Due(at(t), Set.of("ns/s" + t), Set.of()), at(t));
            targets = queue.takeReady(at(t), DEBOUNCE);
            startedAt = t;
        }
        assertNotNull(targets);
        assertEquals(4 * DEBOUNCE.toMillis(), startedAt, "the first item waited four debounce times, not longer");
        assertEquals(21, targets.streams().size(), "every item due by then is in the pass");
    }

    @Test
    void futureItemsWaitForTheirInstant() {
        EligibilityQueue queue = new EligibilityQueue();
        queue.add(new Eligibility.Due(at(10_000), Set.of(), Set.of("sha256:young")), at(0));
        assertNull(queue.takeReady(at(9_999), DEBOUNCE));
        assertEquals(1, queue.waitingInFuture());
        assertNull(queue.takeReady(at(10_000), DEBOUNCE), "due at 10 s, then the debounce");
        RunTargets targets = queue.takeReady(at(10_500), DEBOUNCE);
        assertNotNull(targets);
        assertEquals(Set.of("sha256:young"), targets.images());
        assertEquals(0, queue.waitingInFuture());
    }

    @Test
    void putBackTargetsComeBackWithTheNextPass() {
        EligibilityQueue queue = new EligibilityQueue();
        queue.add(new Eligibility.Due(at(0), Set.of("ns/a"), Set.of()), at(0));
        RunTargets first = queue.takeReady(at(500), DEBOUNCE);
        queue.putBack(first, at(600));
        queue.add(new Eligibility.Due(at(700), Set.of("ns/b"), Set.of()), at(700));
        RunTargets second = queue.takeReady(at(1200), DEBOUNCE);
        assertEquals(Set.of("ns/a", "ns/b"), second.streams());
    }

    @Test
    void nothingNamedIsNotQueued() {
        EligibilityQueue queue = new EligibilityQueue();
        queue.add(new Eligibility.Due(at(0), Set.of(), Set.of()), at(0));
        assertNull(queue.takeReady(at(10_000), DEBOUNCE));
    }
}
