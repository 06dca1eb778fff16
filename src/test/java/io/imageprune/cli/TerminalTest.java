package io.imageprune.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The terminal decision behind progress, on real file descriptors: a JVM whose stderr is a pipe says no, one run on a
 * pseudo-terminal (util-linux {@code script}) says yes.
 */
class TerminalTest {
    private static final String PROBE = TerminalProbe.class.getName();

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe ends");
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), out + new String(process.getErrorStream().readAllBytes(),
                StandardCharsets.UTF_8));
        return out;
    }

    @Test
    void aPipeIsNoTerminal() throws Exception {
        String out = run(List.of(java(), "-cp", System.getProperty("java.class.path"), PROBE));
        assertEquals("stderr is a terminal: false", out.strip());
    }

    @Test
    void aPseudoTerminalIsOne() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")),
                "util-linux script gives the probe a pseudo-terminal");
        String command = String.join(" ", java(), "-cp", "'" + System.getProperty("java.class.path")
                .replace("'", "") + "'", PROBE);
        // -e: the probe's exit status; the pty's output comes back on script's stdout (with \r\n line ends)
        String out = run(List.of("/usr/bin/script", "-qec", command, File.separatorChar == '/' ? "/dev/null" : "NUL"));
        assertTrue(out.contains("stderr is a terminal: true"), out);
    }
}
