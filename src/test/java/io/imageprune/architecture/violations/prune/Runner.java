package io.imageprune.architecture.violations.prune;

import io.imageprune.architecture.violations.config.Wiring;

/** An adapter that reads its configuration, whose package wires it back: a cycle. */
public class Runner {
    Wiring configuration;
}
