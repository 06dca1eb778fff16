package io.imageprune.architecture.violations.config;

import io.imageprune.architecture.violations.prune.Runner;

/** Configuration that wires what it configures: with {@link Runner} a package cycle ArchitectureTest must find. */
public class Wiring {
    Runner runner;
}
