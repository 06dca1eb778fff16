package io.imageprune.chaos;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short chaos soak on the packaged jar: a minute of seeded churn and faults against the real broker,
 * registry and mock API server, then the invariants. A failure names its seed; {@code -Dimageprune.chaos.seed=N}
 * replays the same churn and fault schedule, {@code -Dimageprune.chaos.duration=PT10M} makes it long
 * ({@code bench/chaos.sh}).
 */
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
