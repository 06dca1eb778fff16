package io.imageprune.chaos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short chaos soak on the packaged jar, part of every {@code ./mvnw verify}: 45 seconds of seeded churn and faults
 * against the real broker, registry and mock API server (each started here; the registry installed with apt-get when
 * missing), then the invariants; the rest of its time is starting those processes and the service's (docs/chaos.md
 * gives measured times). A failure names its seed; {@code -Dimageprune.chaos.seed=N} replays the same churn and fault
 * schedule, {@code -Dimageprune.chaos.duration=PT10M} makes it long ({@code bench/chaos.sh});
 * {@code -Dimageprune.chaos=false} leaves it out.
 */
@DisabledIfSystemProperty(named = "imageprune.chaos", matches = "false")
class ChaosSoakIT {
    /**
     * The build's schedule, fixed so that a red build is a finding, not a new dice roll; {@code bench/chaos.sh} and
     * {@code -Dimageprune.chaos.seed=random} roll new ones. Seed 803048 still fails invariant (a) (docs/chaos.md).
     */
    private static final String CI_SEED = "4711";

    @Test
    void noInUseImageDeletedAndNothingLostUnderChurnAndFaults() throws Exception {
        ChaosSoak.Settings settings = ChaosSoak.Settings.fromSystemProperties(Duration.ofSeconds(45),
                Duration.ofSeconds(10), CI_SEED);
        ChaosReport report;
        try {
            report = new ChaosSoak(settings).run();
        } catch (Exception | AssertionError e) {
            throw new AssertionError("seed " + settings.seed() + " (replay with -Dimageprune.chaos.seed="
                    + settings.seed() + "): the soak could not complete: " + e, e);
        }
        System.out.println(report.table());
        assertTrue(report.failures().isEmpty(), "seed " + report.seed() + " (replay with -Dimageprune.chaos.seed="
                + report.seed() + "): " + String.join("\n", report.failures()));
    }
}
