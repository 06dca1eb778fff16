package io.imageprune.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import picocli.CommandLine;

/**
 * Entry point of the jar. {@code plan} and {@code publish} are commands, not the service: before Quarkus starts they
 * switch off the HTTP listener and the ingest and state roles, so {@code plan} opens no connection and binds no port. Anything else runs the command line,
 * whose top command without a subcommand is the service.
 */
@QuarkusMain
public class ImagePruneMain implements QuarkusApplication {
    private final CommandLine.IFactory factory;

    public ImagePruneMain(CommandLine.IFactory factory) {
        this.factory = factory;
    }

    public static void main(String... args) {
        if (args.length > 0 && (args[0].equals("plan") || args[0].equals("publish"))) {
            offline();
        }
        Quarkus.run(ImagePruneMain.class, args);
    }

    /** What the plan command must not start; system properties win over application.properties. */
    static void offline() {
        System.setProperty("quarkus.http.host-enabled", "false");
        System.setProperty("imageprune.ingest.enabled", "false");
        System.setProperty("imageprune.state.enabled", "false");
    }

    @Override
    public int run(String... args) {
        return new CommandLine(ImagePruneCommand.class, factory).execute(args);
    }
}
