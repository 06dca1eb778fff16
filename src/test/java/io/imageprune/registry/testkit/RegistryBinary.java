package io.imageprune.registry.testkit;

import io.imageprune.testkit.TestTools;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the {@code docker-registry} executable (Debian's package of distribution 2.8.x), installing it with apt-get when
 * that is possible, so that a fresh CI machine does not need a separate setup step.
 */
public final class RegistryBinary {
    /** Overrides the lookup, e.g. to test against a self-built distribution {@code registry} binary. */
    public static final String PROPERTY = "imageprune.docker-registry";
    private static final String NAME = "docker-registry";
    private static final String PACKAGE = "docker-registry";

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
        return cached = TestTools.require(NAME, PACKAGE, "distribution registry 2.8; or point -D" + PROPERTY
                + "=/path/to/registry at a distribution registry binary");
    }
}
