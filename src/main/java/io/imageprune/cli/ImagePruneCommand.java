package io.imageprune.cli;

import io.quarkus.runtime.Quarkus;
import picocli.CommandLine.Command;

/** The command line of the imageprune jar: without a subcommand it runs the service until it is stopped. */
@Command(name = "imageprune", mixinStandardHelpOptions = true, subcommands = {PlanCommand.class, PublishCommand.class},
        description = "Continuous, explainable image pruning for OpenShift with the decisions of oc adm prune images. "
                + "Without a subcommand: run the service (roles from imageprune.ingest.enabled / imageprune.state.enabled).")
public class ImagePruneCommand implements Runnable {
    @Override
    public void run() {
        Quarkus.waitForExit();
    }
}
