package io.imageprune.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether the process's standard error is a terminal (Java 17 has no call for one stream). */
final class Terminal {
    private Terminal() {
    }

    /**
     * On Linux, what file descriptor 2 is opened on: a pseudo-terminal or a console; elsewhere whether the JVM has a
     * console at all (stdin and stdout are terminals), the nearest Java 17 gives.
     */
    static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        if (Files.exists(fd, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return System.console() != null;
    }
}
