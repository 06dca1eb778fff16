package io.imageprune.architecture.violations.api;

import io.imageprune.architecture.violations.cli.Command;

/** An adapter that reaches into the command line: ArchitectureTest checks that its rule finds it. */
public class CliUser {
    Command command;
}
