package io.imageprune.cli;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code plan} launched through {@link ImagePruneMain} in this JVM: its exit codes and its stdout and stderr. The build
 * sets {@code imageprune-in-process}, so {@code main} boots the application here and the command runs from {@code
 * run}; the jar itself runs {@code plan} without booting, which {@code LauncherIT} checks on the packaged jar.
 */
@QuarkusMainTest
class PlanMainTest {
    @Test
    @Launch({"plan", "--snapshot", "examples/cluster.json", "--now", "2025-01-15T12:00:00Z", "--ignore-invalid-refs",
            "-o", "json"})
    void plansTheExample(LaunchResult result) {
        assertTrue(result.getOutput().startsWith("{\"imageDeletions\":[\"sha256:"), result.getOutput());
        assertTrue(result.getErrorOutput().contains("warning: ignoring invalid reference"), result.getErrorOutput());
    }

    @Test
    @Launch(value = {"plan", "--snapshot", "examples/cluster.json", "--now", "2025-01-15T12:00:00Z"}, exitCode = 1)
    void refusesOnInvalidReferences(LaunchResult result) {
        String[] lines = result.getErrorOutput().strip().split("\n");
        assertEquals("failed to build graph - no changes made", lines[lines.length - 1].strip());
    }

    @Test
    @Launch(value = {"plan", "--snapshot", "examples/cluster.json", "--bogus"}, exitCode = 2)
    void unknownOptionIsAUsageError(LaunchResult result) {
        assertTrue(result.getErrorOutput().contains("Unknown option"), result.getErrorOutput());
    }
}
