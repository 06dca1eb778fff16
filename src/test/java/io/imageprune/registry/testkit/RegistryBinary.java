package io.imageprune.registry.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the {@code docker-registry} executable (Debian's package of distribution 2.8.x), installing it with apt-get when
 * that is possible, so that a fresh CI machine does not need a separate setup step.
 */
public final class RegistryBinary {
    /** Overrides the lookup, e.g. to test against a self-built distribution {@code registry} binary. */
    public static final String PROPERTY = "imageprune.docker-registry";
    private static final String NAME = "docker-registry";
    private static final String PACKAGE = "docker-registry";
    private static final long INSTALL_TIMEOUT_MINUTES = 5;

    private static Path cached;

    private RegistryBinary() {
    }

    /** The executable, installed first when missing and installable; fails with what to install otherwise. */
    public static synchronized Path require() {
        if (cached != null) {
            return cached;
        }
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException("-D" + PROPERTY + "=" + configured + " is not an executable file");
            }
            return cached = p;
        }
        Optional<Path> found = onPath(NAME);
        if (found.isEmpty()) {
            install();
            found = onPath(NAME);
        }
        return cached = found.orElseThrow(() -> new IllegalStateException(
                NAME + " is still not on the PATH after installing the Debian package " + PACKAGE));
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        // /usr/bin is where the package puts it; a test JVM with a trimmed PATH should still find it there
        String search = path + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/usr/sbin";
        for (String dir : search.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static void install() {
        Optional<Path> aptGet = onPath("apt-get");
        if (!isRoot() || aptGet.isEmpty()) {
            throw new IllegalStateException(NAME + " (distribution registry 2.8) is not installed. Install the Debian/Ubuntu "
                    + "package: sudo apt-get install -y " + PACKAGE + " (or point -D" + PROPERTY
                    + "=/path/to/registry at a distribution registry binary)");
        }
        run(List.of("sh", "-c", "apt-get update -q && DEBIAN_FRONTEND=noninteractive " + aptGet.get()
                + " install -y -q " + PACKAGE));
    }

    private static boolean isRoot() {
        try {
            // the owner of /proc/self is the effective uid of this process
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static void run(List<String> command) {
        try {
            Path log = Files.createTempFile("docker-registry-install", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("installing " + PACKAGE + " took longer than " + INSTALL_TIMEOUT_MINUTES
                        + " min; output in " + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("installing " + PACKAGE + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing " + PACKAGE, e);
        }
    }
}
