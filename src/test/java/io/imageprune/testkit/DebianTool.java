package io.imageprune.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An executable a test needs from a Debian package, installed with apt-get when missing (as root, e.g. on a fresh CI
 * machine), so that no separate setup step is needed; otherwise a failure naming the package to install.
 */
public final class DebianTool {
    private static final long INSTALL_TIMEOUT_MINUTES = 5;

    private DebianTool() {
    }

    /**
     * The executable {@code name} from the PATH (or /usr/bin, /usr/sbin), installing {@code debianPackage} first
     * when it is missing and this process may.
     *
     * @param hint what else the user can do, appended to the failure when it cannot be installed
     */
    public static synchronized Path require(String name, String debianPackage, String hint) {
        Optional<Path> found = onPath(name);
        if (found.isPresent()) {
            return found.get();
        }
        Optional<Path> aptGet = onPath("apt-get");
        if (!isRoot() || aptGet.isEmpty()) {
            throw new IllegalStateException(name + " is not installed. Install the Debian/Ubuntu package: sudo apt-get "
                    + "install -y " + debianPackage + (hint == null || hint.isEmpty() ? "" : " (" + hint + ")"));
        }
        run(debianPackage, List.of("sh", "-c", "apt-get update -q && DEBIAN_FRONTEND=noninteractive " + aptGet.get()
                + " install -y -q " + debianPackage));
        return onPath(name).orElseThrow(() -> new IllegalStateException(
                name + " is still not on the PATH after installing the Debian package " + debianPackage));
    }

    public static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        // /usr/bin is where packages put it; a test JVM with a trimmed PATH should still find it there
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

    private static boolean isRoot() {
        try {
            // the owner of /proc/self is the effective uid of this process
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static void run(String debianPackage, List<String> command) {
        try {
            Path log = Files.createTempFile(debianPackage + "-install", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("installing " + debianPackage + " took longer than "
                        + INSTALL_TIMEOUT_MINUTES + " min; output in " + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("installing " + debianPackage + " failed (exit " + p.exitValue()
                        + "): " + Files.readString(log, StandardCharsets.UTF_8));
            }
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing " + debianPackage, e);
        }
    }
}
