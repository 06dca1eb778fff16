package io.imageprune.chaos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short chaos soak on the packaged jar: a minute of seeded churn and faults against the real broker,
 * registry and mock API server, then the invariants. A failure names its seed; {@code -Dimageprune.chaos.seed=N}
 * replays the same churn and fault schedule, {@code -Dimageprune.chaos.duration=PT10M} makes it long
 * ({@code bench/chaos.sh}).
 * <p>
 * Opt-in ({@code -Dimageprune.chaos=true}, which {@code bench/chaos.sh} sets) until it holds in CI: its first runs
 * found a live graph one Image short of the API after quiescence (invariant b; seed 803048), not yet explained.
 */
@EnabledIfSystemProperty(named = "imageprune.chaos", matches = "true")
class ChaosSoakIT {
    @Test
    void noInUseImageDeletedAndNothingLostUnderChurnAndFaults() throws Exception {
        ChaosSoak.Settings settings = ChaosSoak.Settings.fromSystemProperties(Duration.ofSeconds(60), Duration.ofSeconds(15));
        ChaosReport report = new ChaosSoak(settings).run();
        System.out.println(report.table());
        assertTrue(report.failures().isEmpty(), "seed " + report.seed() + " (replay with -Dimageprune.chaos.seed="
                + report.seed() + "): " + String.join("\n", report.failures()));
    }
}
