package io.imageprune.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/imageprune}, the README's command, against the packaged jar: the same plan as plain {@code java -jar}, with
 * the JVM options it is measured with, and a clear error when the build is missing.
 */
class LauncherIT {
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final List<String> PLAN = List.of("plan", "--snapshot", "examples/cluster.json",
            "--now", "2025-01-15T12:00:00Z", "--ignore-invalid-refs", "-o", "json");

    private record Run(int exit, String out, String err) {
    }

    private static Run run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            // the launcher runs the java on the PATH: this JVM's
            builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":"
                    + System.getenv("PATH"));
            builder.environment().putAll(env);
            Process process = builder.start();
            assertTrue(process.waitFor(2, TimeUnit.MINUTES), "finished: " + command);
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void planThroughTheLauncherIsThePlanOfTheJarWithThePlanOptions() throws Exception {
        List<String> launcher = new ArrayList<>(List.of("bin/imageprune"));
        launcher.addAll(PLAN);
        Run viaLauncher = run(launcher, Map.of("JAVA_OPTS", "-Xlog:gc:stderr"));
        List<String> plain = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
        plain.addAll(PLAN);
        Run viaJava = run(plain, Map.of());

        assertEquals(0, viaLauncher.exit(), viaLauncher.err());
        assertEquals(0, viaJava.exit(), viaJava.err());
        assertTrue(viaLauncher.out().startsWith("{\"imageDeletions\":["), viaLauncher.out());
        assertEquals(viaJava.out(), viaLauncher.out());
        assertTrue(viaLauncher.err().contains("Using Parallel"), "plan runs with the parallel collector: "
                + viaLauncher.err());
    }

    @Test
    void publishRunsWithTheParallelCollector() throws Exception {
        Run run = run(List.of("bin/imageprune", "publish", "--help"), Map.of("JAVA_OPTS", "-Xlog:gc:stderr"));
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("--snapshot"), run.out());
        assertTrue(run.err().contains("Using Parallel"), "publish runs with the parallel collector: " + run.err());
    }

    @Test
    void aMissingBuildIsNamed() throws Exception {
        Run run = run(List.of("bin/imageprune", "plan", "--help"), Map.of("IMAGEPRUNE_JAR", "target/no-such.jar"));
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("target/no-such.jar not found: build it with ./mvnw -B package -DskipTests"),
                run.err());
    }
}
