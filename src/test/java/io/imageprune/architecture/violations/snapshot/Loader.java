package io.imageprune.architecture.violations.snapshot;

/** An adapter class: a core class must not depend on it. */
public class Loader {
}
