package io.imageprune.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Programs a test needs from the machine (a browser, node), installed from the Debian/Ubuntu packages with apt-get
 * when missing and the test runs as root, so that a fresh CI machine needs no separate setup step; otherwise the test
 * fails saying what to install.
 */
public final class TestTools {
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);

    private TestTools() {
    }

    /** As {@link #require(String, String)}, with what the program is for in the failure's message. */
    public static Path require(String name, String debianPackage, String hint) {
        try {
            return require(name, debianPackage);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " (" + hint + ")", e);
        }
    }

    /** The executable {@code name}, installing the Debian package {@code debianPackage} first when it is missing. */
    public static synchronized Path require(String name, String debianPackage) {
        Optional<Path> found = onPath(name);
        if (found.isPresent()) {
            return found.get();
        }
        Optional<Path> aptGet = onPath("apt-get");
        if (!isRoot() || aptGet.isEmpty()) {
            throw new IllegalStateException(name + " is not installed. Install the Debian/Ubuntu package: "
                    + "sudo apt-get install -y " + debianPackage);
        }
        // the lock timeout lets parallel test runs that install other packages take turns
        run("installing " + debianPackage, Path.of("."), INSTALL_TIMEOUT, "sh", "-c", "apt-get update -q && "
                + "DEBIAN_FRONTEND=noninteractive " + aptGet.get() + " -o DPkg::Lock::Timeout=300 install -y -q "
                + "--no-install-recommends " + debianPackage);
        return onPath(name).orElseThrow(() -> new IllegalStateException(
                name + " is still not on the PATH after installing the Debian package " + debianPackage));
    }

    /**
     * Runs a command to its end within {@code timeout}, its output kept in a log file.
     *
     * @return the command's standard output and error
     * @throws IllegalStateException when it fails or outlasts the timeout, with its output
     */
    public static String run(String what, Path directory, Duration timeout, String... command) {
        try {
            Path log = Files.createTempFile("imageprune-test-tool", ".log");
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(what + " took longer than " + timeout + "; output in " + log);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(what + " failed (exit " + process.exitValue() + "): " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + List.of(command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        }
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        // where the packages put them; a test JVM with a trimmed PATH should still find them there
        String search = path + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/usr/sbin";
        for (String dir : search.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isRoot() {
        try {
            // the owner of /proc/self is the effective uid of this process
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
