package io.imageprune.architecture.violations.policy;

import io.imageprune.architecture.violations.snapshot.Loader;

/** A core class that depends on an adapter: ArchitectureTest checks that its rule finds it. */
public class LoaderUser {
    Loader loader;
}
