package io.imageprune.service;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service launched as the jar runs it, with a negative keep-younger-than: it does not start, and says why. */
@QuarkusMainTest
@TestProfile(SafetySettingsMainTest.NegativeAge.class)
class SafetySettingsMainTest {
    public static class NegativeAge implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("imageprune.plan.keep-younger-than", "-5m");
        }
    }

    @Test
    @Launch(value = {}, exitCode = 1)
    void aNegativeKeepYoungerThanStopsTheStart(LaunchResult result) {
        String output = result.getOutput() + result.getErrorOutput();
        assertTrue(output.contains("imageprune does not start: the configuration would weaken a safety setting"),
                output);
        assertTrue(output.contains("imageprune.plan.keep-younger-than=-5m is negative"), output);
    }
}
