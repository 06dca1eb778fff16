package io.imageprune.architecture.violations.cli;

/** The command line of the deliberately bad packages. */
public class Command {
}
