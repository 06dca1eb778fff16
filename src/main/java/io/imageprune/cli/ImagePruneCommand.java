package io.imageprune.cli;

import io.imageprune.service.StartLine;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line of the imageprune jar: without a subcommand it runs the service until it is stopped. */
@Command(name = "imageprune", mixinStandardHelpOptions = true, subcommands = {PlanCommand.class, PublishCommand.class, CommandLine.HelpCommand.class},
        description = "Continuous, explainable image pruning for OpenShift with the decisions of oc adm prune images. "
                + "Without a subcommand: run the service (roles from imageprune.ingest.enabled / imageprune.state.enabled).")
public class ImagePruneCommand implements Runnable {
    private final StartLine startLine;

    /** Without the container: {@code plan} and the help, which never run the service. */
    public ImagePruneCommand() {
        this(null);
    }

    @Inject
    public ImagePruneCommand(StartLine startLine) {
        this.startLine = startLine;
    }

    @Override
    public void run() {
        startLine.log();
        Quarkus.waitForExit();
    }
}
