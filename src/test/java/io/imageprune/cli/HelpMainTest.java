package io.imageprune.cli;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --help} and {@code help} print the command line's usage and exit 0; they never start the service. */
@QuarkusMainTest
class HelpMainTest {
    @Test
    @Launch("--help")
    void helpOption(LaunchResult result) {
        assertUsage(result);
    }

    @Test
    @Launch("help")
    void helpCommand(LaunchResult result) {
        assertUsage(result);
    }

    @Test
    @Launch({"help", "plan"})
    void helpOnASubcommand(LaunchResult result) {
        assertTrue(result.getOutput().contains("Usage: imageprune plan"), result.getOutput());
        assertTrue(result.getOutput().contains("--snapshot"), result.getOutput());
    }

    private static void assertUsage(LaunchResult result) {
        String usage = result.getOutput();
        assertTrue(usage.contains("Usage: imageprune [-hV] [COMMAND]"), usage);
        for (String subcommand : new String[] {"plan", "publish", "help"}) {
            assertTrue(usage.matches("(?s).*\\n\\s+" + subcommand + "\\s+\\S.*"), subcommand + " listed: " + usage);
        }
        assertFalse(result.getErrorOutput().contains("imageprune service started"), result.getErrorOutput());
    }
}
