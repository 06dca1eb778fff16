package io.imageprune.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The command line of the imageprune jar. */
@TopCommand
@Command(name = "imageprune", mixinStandardHelpOptions = true, subcommands = {PlanCommand.class},
        description = "Continuous, explainable image pruning for OpenShift with the decisions of oc adm prune images.")
public class ImagePruneCommand implements Runnable {
    @Spec
    CommandSpec spec;

    /** The service mode arrives with the event pipeline; until then the jar only plans. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
