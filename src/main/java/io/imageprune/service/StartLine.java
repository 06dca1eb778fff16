package io.imageprune.service;

import io.imageprune.cluster.ClusterLocation;
import io.imageprune.config.ImagePruneConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * The one line the service logs once it is up: where it listens, which roles it runs, where Kafka and the cluster
 * are, and whether runs delete. Everything an admin looking at a fresh pod's log wants to check first.
 */
@ApplicationScoped
public class StartLine {
    private static final Logger LOG = Logger.getLogger(StartLine.class);
    static final String PREFIX = "imageprune service started: ";

    private final ImagePruneConfig config;
    private final Config settings;
    private final ClusterLocation cluster;

    public StartLine(ImagePruneConfig config, Config settings, ClusterLocation cluster) {
        this.config = config;
        this.settings = settings;
        this.cluster = cluster;
    }

    public void log() {
        LOG.info(text());
    }

    String text() {
        List<String> roles = new ArrayList<>();
        if (config.ingest().enabled()) {
            roles.add("ingest");
        }
        if (config.state().enabled()) {
            roles.add("state");
            roles.add(config.leader().enabled() ? "prune (while holding lease " + config.leader().leaseName() + ")"
                    : "prune");
        }
        // after start-up the port is the one bound (it differs from the setting with quarkus.http.port=0)
        String http = settings.getOptionalValue("quarkus.http.host-enabled", Boolean.class).orElse(true)
                ? "HTTP port " + settings.getOptionalValue("quarkus.http.port", String.class).orElse("8080")
                : "HTTP off";
        return PREFIX + http
                + ", roles " + (roles.isEmpty() ? "none" : String.join(", ", roles))
                + ", Kafka " + settings.getOptionalValue("kafka.bootstrap.servers", String.class).orElse("(not set)")
                + ", cluster " + cluster.where().describe()
                + ", " + (config.prune().confirm() ? "confirm: runs delete (imageprune.prune.confirm=true)"
                : "dry run: runs delete nothing (imageprune.prune.confirm=false)");
    }
}
