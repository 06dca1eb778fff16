package io.imageprune.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import picocli.CommandLine;

/**
 * Entry point of the jar. {@code plan} and the help and version options ({@code help}, {@code --help}, {@code -h},
 * {@code --version}, {@code -V}) run without booting the application (they need no bean, open no connection and bind
 * no port), unless the system property {@code imageprune-in-process} is set, as the build sets it for the in-process
 * main tests; {@code publish} boots it with the HTTP listener and the ingest and state roles switched off; anything
 * else boots it and runs the command line, whose top command without a subcommand is the service.
 */
@QuarkusMain
public class ImagePruneMain implements QuarkusApplication {
    /** First arguments that run without booting the application. */
    private static final java.util.Set<String> WITHOUT_CONTAINER =
            java.util.Set.of("plan", "help", "--help", "-h", "--version", "-V");
    private final CommandLine.IFactory factory;

    public ImagePruneMain(CommandLine.IFactory factory) {
        this.factory = factory;
    }

    public static void main(String... args) {
        if (args.length > 0 && WITHOUT_CONTAINER.contains(args[0]) && !Boolean.getBoolean("imageprune-in-process")) {
            // plan and the help need no container at all: skipping the boot keeps them to well under a second of
            // start-up, and the help never starts the service (the build's in-process main tests set
            // imageprune-in-process: they cannot let the JVM exit)
            System.exit(new CommandLine(new ImagePruneCommand()).execute(args));
        }
        if (args.length > 0 && args[0].equals("publish")) {
            offline();
        }
        Quarkus.run(ImagePruneMain.class, args);
    }

    /** What a command must not start; system properties win over application.properties. */
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
